package carsight.console.ui;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Opens an address in a web browser, trying what the desktop offers in turn and saying which one worked: on Linux
 * {@code xdg-open} (whose exit status tells whether a browser was found) and a {@code $BROWSER} the operator set; on
 * macOS {@code open}; on Windows the URL protocol handler; then the JavaFX host services, which cannot tell whether
 * they succeeded. Nothing here throws: the result says what happened.
 */
public final class BrowserOpener {

    /** What happened: {@code by} names the opener that took the address, or null when none could. */
    public record Result(String url, String by, String problem) {
        public boolean opened() {
            return by != null;
        }
    }

    private final String os;
    private final String browserVariable;
    private final Predicate<String> hostServices;

    /**
     * @param hostServices the last resort (JavaFX's {@code HostServices.showDocument}); returns false if it is
     *                     known to have failed
     */
    public BrowserOpener(Predicate<String> hostServices) {
        this(System.getProperty("os.name", ""), System.getenv("BROWSER"), hostServices);
    }

    BrowserOpener(String os, String browserVariable, Predicate<String> hostServices) {
        this.os = os.toLowerCase(Locale.ROOT);
        this.browserVariable = browserVariable;
        this.hostServices = hostServices;
    }

    /** The commands to try, in order, for this system. */
    List<List<String>> commands(String url) {
        List<List<String>> out = new ArrayList<>();
        if (os.contains("mac")) {
            out.add(List.of("open", url));
        } else if (os.contains("win")) {
            out.add(List.of("rundll32", "url.dll,FileProtocolHandler", url));
        } else {
            out.add(List.of("xdg-open", url));
            if (browserVariable != null && !browserVariable.isBlank()) {
                for (String browser : browserVariable.split(":")) {
                    if (!browser.isBlank()) {
                        out.add(List.of(browser.strip(), url));
                    }
                }
            }
        }
        return out;
    }

    public Result open(String url) {
        List<String> problems = new ArrayList<>();
        boolean refused = false;
        for (List<String> command : commands(url)) {
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                // xdg-open and open return once the browser has been asked; a browser started by $BROWSER runs on
                if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() == 0) {
                    return new Result(url, command.get(0), null);
                }
                refused = true;
                problems.add(command.get(0) + " found no browser (exit " + p.exitValue() + ")");
            } catch (IOException e) {
                problems.add(command.get(0) + " is not installed");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(url, null, "interrupted");
            }
        }
        if (refused) {
            // the desktop's own opener goes the same way (xdg-open on Linux): it would fail without saying so
            return new Result(url, null, String.join("; ", problems));
        }
        try {
            if (hostServices.test(url)) {
                return new Result(url, "the desktop (it cannot say whether a browser came)", null);
            }
            problems.add("the desktop has no browser registered");
        } catch (RuntimeException e) {
            problems.add("the desktop could not open it (" + e.getMessage() + ")");
        }
        return new Result(url, null, String.join("; ", problems));
    }
}
