package carsight.streamer.ice;

import java.util.Locale;

/**
 * An ICE candidate in its SDP form (RFC 8839 §5.1):
 * {@code candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> [raddr <a> rport <p>] …}.
 */
public record CandidateLine(String foundation, int component, String transport, long priority, String address,
                            int port, String type) {

    public static CandidateLine parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("ICE candidate is missing");
        }
        String s = text.trim();
        if (s.startsWith("a=")) {
            s = s.substring(2);
        }
        if (!s.startsWith("candidate:")) {
            throw new IllegalArgumentException("ICE candidate must start with 'candidate:': " + abbreviate(s));
        }
        String[] f = s.substring("candidate:".length()).split("\\s+");
        if (f.length < 8 || !f[6].equals("typ")) {
            throw new IllegalArgumentException("ICE candidate needs '<foundation> <component> <transport> <priority> "
                    + "<address> <port> typ <type>': " + abbreviate(s));
        }
        try {
            int component = Integer.parseInt(f[1]);
            long priority = Long.parseLong(f[3]);
            int port = Integer.parseInt(f[5]);
            if (component < 1 || component > 256 || priority < 0 || priority > 0xFFFFFFFFL || port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new CandidateLine(f[0], component, f[2].toLowerCase(Locale.ROOT), priority, f[4], port, f[7]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ICE candidate has a bad component, priority or port: " + abbreviate(s));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "…";
    }
}
