package carsight.protocol.log;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Streamer and console alike: one line per event, for operators: {@code 12:03:04.120 INFO  viewer 3fa… joined from 198.51.100.2 …}. */
public final class LogFormat extends Formatter {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    /**
     * The libraries' loggers set to warnings only, held here: java.util.logging keeps loggers weakly, and one that is
     * collected comes back at the default level, chatty again.
     */
    private static final java.util.List<Logger> QUIETED = new java.util.ArrayList<>();

    private LogFormat() {
    }

    /** Routes java.util.logging (where System.Logger goes) to stderr in this format; quiets library chatter. */
    public static void install() {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler handler = new ConsoleHandler();
        handler.setFormatter(new LogFormat());
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        synchronized (QUIETED) {
            for (String library : new String[]{"org.ice4j", "org.jitsi", "org.glassfish"}) {
                Logger logger = Logger.getLogger(library);
                logger.setLevel(Level.WARNING);
                QUIETED.add(logger);
            }
        }
    }

    @Override
    public String format(LogRecord record) {
        String level = record.getLevel() == Level.WARNING ? "WARN " : record.getLevel() == Level.SEVERE ? "ERROR"
                : String.format("%-5s", record.getLevel().getName());
        StringBuilder line = new StringBuilder(TIME.format(LocalTime.now())).append(' ').append(level).append(' ')
                .append(formatMessage(record)).append('\n');
        if (record.getThrown() != null && record.getLevel().intValue() >= Level.WARNING.intValue()) {
            line.append("    ").append(record.getThrown()).append('\n');
        }
        return line.toString();
    }
}
