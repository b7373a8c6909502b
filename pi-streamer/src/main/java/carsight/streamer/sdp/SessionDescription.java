package carsight.streamer.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A parsed SDP (RFC 8866): session-level attributes and media sections, each attribute kept as name and value so
 * nothing the offer said is lost. Structure is checked strictly (every line {@code <letter>=<value>}, {@code v=0}
 * first, an {@code m=} line before media attributes); attribute values are interpreted by their readers.
 */
public record SessionDescription(List<Attribute> attributes, List<Media> media) {

    public static final int MAX_CHARS = 32 * 1024;

    /** {@code a=name:value}, or {@code a=name} with an empty value. */
    public record Attribute(String name, String value) {
    }

    /** One {@code m=} section. */
    public record Media(String kind, int port, String protocol, List<String> formats, List<Attribute> attributes) {

        public Optional<String> first(String name) {
            return attributes.stream().filter(a -> a.name().equals(name)).map(Attribute::value).findFirst();
        }

        public List<String> all(String name) {
            return attributes.stream().filter(a -> a.name().equals(name)).map(Attribute::value).toList();
        }

        public boolean has(String name) {
            return attributes.stream().anyMatch(a -> a.name().equals(name));
        }
    }

    /** A media attribute if present, else the session-level one. */
    public Optional<String> attribute(Media m, String name) {
        return m.first(name).or(() -> attributes.stream().filter(a -> a.name().equals(name)).map(Attribute::value).findFirst());
    }

    public Optional<String> sessionAttribute(String name) {
        return attributes.stream().filter(a -> a.name().equals(name)).map(Attribute::value).findFirst();
    }

    public static SessionDescription parse(String sdp) throws SdpFormatException {
        if (sdp == null || sdp.isBlank()) {
            throw new SdpFormatException("SDP is empty");
        }
        if (sdp.length() > MAX_CHARS) {
            throw new SdpFormatException("SDP is larger than " + MAX_CHARS + " characters");
        }
        List<Attribute> session = new ArrayList<>();
        List<Media> media = new ArrayList<>();
        String[] lines = sdp.split("\r?\n");
        List<Attribute> current = session;
        String[] mline = null;
        int number = 0;
        for (String raw : lines) {
            number++;
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=' || !Character.isLetter(line.charAt(0))) {
                throw new SdpFormatException("SDP line " + number + " is not '<letter>=<value>': " + abbreviate(line));
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (number == 1 && !(type == 'v' && value.equals("0"))) {
                throw new SdpFormatException("SDP must start with 'v=0' (line 1 is " + abbreviate(line) + ")");
            }
            switch (type) {
                case 'm' -> {
                    if (mline != null) {
                        media.add(media(mline, current));
                    }
                    mline = value.split(" ");
                    if (mline.length < 3) {
                        throw new SdpFormatException("SDP line " + number + ": m= needs '<media> <port> <proto> <fmt>…'");
                    }
                    try {
                        int port = Integer.parseInt(mline[1].split("/")[0]);
                        if (port < 0 || port > 65535) {
                            throw new NumberFormatException();
                        }
                    } catch (NumberFormatException e) {
                        throw new SdpFormatException("SDP line " + number + ": bad port '" + mline[1] + "'");
                    }
                    current = new ArrayList<>();
                }
                case 'a' -> {
                    int colon = value.indexOf(':');
                    current.add(colon < 0 ? new Attribute(value, "") : new Attribute(value.substring(0, colon), value.substring(colon + 1)));
                }
                default -> {
                    // v, o, s, t, c, b, i, u, e, p, z, k, r: not needed to answer
                }
            }
        }
        if (mline != null) {
            media.add(media(mline, current));
        }
        if (number == 0) {
            throw new SdpFormatException("SDP is empty");
        }
        return new SessionDescription(List.copyOf(session), List.copyOf(media));
    }

    private static Media media(String[] m, List<Attribute> attributes) {
        List<String> formats = new ArrayList<>();
        for (int i = 3; i < m.length; i++) {
            formats.add(m[i]);
        }
        return new Media(m[0], Integer.parseInt(m[1].split("/")[0]), m[2], List.copyOf(formats), List.copyOf(attributes));
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }
}
