package carsight.receiver;

/** What the operator is told about the link to the streamer. */
public enum LinkState {
    CONNECTING("connecting"),
    NEGOTIATING("negotiating"),
    LIVE("live"),
    LINK_LOST("link lost — reconnecting"),
    UNAUTHORIZED("wrong token"),
    STOPPED("stopped");

    private final String label;

    LinkState(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
