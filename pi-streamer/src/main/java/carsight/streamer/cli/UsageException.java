package carsight.streamer.cli;

/** A command line or config file the streamer cannot use; the message names the flag and its accepted form. */
public final class UsageException extends Exception {

    public UsageException(String message) {
        super(message);
    }
}
