package carsight.streamer.it;

import org.openqa.selenium.bidi.BiDi;
import org.openqa.selenium.bidi.Command;
import org.openqa.selenium.bidi.Connection;
import org.openqa.selenium.remote.http.ClientConfig;
import org.openqa.selenium.remote.http.HttpClient;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Firefox ESR, headless, on the streamer's page, run as its own JVM in a test namespace. Firefox is driven
 * through its own WebDriver BiDi server (geckodriver is not packaged for Debian): this probe starts
 * {@code firefox-esr --remote-debugging-port}, speaks BiDi to it over the namespace's loopback with Selenium's
 * low-level BiDi client, opens the page with the token and watches it for {@code SECONDS}, recording when the page
 * says it cannot play the video and what it logged. Without its OpenH264 plugin (never downloaded: the profile turns
 * the plugin manager off) Firefox offers no H.264 for WebRTC.
 * Arguments: {@code STREAMER_URL TOKEN SECONDS OUTPUT.json}.
 */
public final class FirefoxPageProbe {

    /** Preferences for an offline machine: no plugin downloads, no update or telemetry traffic. */
    static final List<String> PREFS = List.of(
            "\"media.gmp-provider.enabled\", false", "\"media.gmp-manager.updateEnabled\", false",
            "\"media.gmp-manager.url\", \"http://127.0.0.1:9/\"", "\"media.gmp-gmpopenh264.enabled\", false",
            "\"media.gmp-widevinecdm.enabled\", false", "\"media.eme.enabled\", false",
            "\"services.settings.server\", \"data:,#remote-settings-dummy/v1\"", "\"app.normandy.enabled\", false",
            "\"network.connectivity-service.enabled\", false", "\"network.captive-portal-service.enabled\", false",
            "\"browser.safebrowsing.malware.enabled\", false", "\"browser.safebrowsing.phishing.enabled\", false",
            "\"browser.safebrowsing.downloads.enabled\", false", "\"datareporting.policy.dataSubmissionEnabled\", false",
            "\"toolkit.telemetry.enabled\", false", "\"app.update.disabledForTesting\", true",
            "\"extensions.update.enabled\", false", "\"browser.startup.homepage_override.mstone\", \"ignore\"",
            "\"network.dns.disablePrefetch\", true", "\"network.prefetch-next\", false");

    static final String READ = """
            JSON.stringify({cannot: getComputedStyle(document.getElementById('cannot-play')).display !== 'none',
              why: document.getElementById('cannot-why').textContent,
              firefoxNote: getComputedStyle(document.getElementById('cannot-firefox')).display !== 'none',
              url: document.getElementById('cannot-url').value,
              status: document.querySelector('[data-testid=status]').textContent,
              log: window.carsightLog || [], agent: navigator.userAgent})""";

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        int seconds = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        Path profile = Files.createTempDirectory("carsight-firefox");
        StringBuilder prefs = new StringBuilder();
        for (String p : PREFS) {
            prefs.append("user_pref(").append(p).append(");\n");
        }
        Files.writeString(profile.resolve("user.js"), prefs);
        ProcessBuilder builder = new ProcessBuilder("firefox-esr", "--headless", "--no-remote", "--profile",
                profile.toString(), "--remote-debugging-port=0").redirectErrorStream(true);
        builder.environment().put("MOZ_REMOTE_SETTINGS_DEVTOOLS", "1");
        Process firefox = builder.start();
        CompletableFuture<String> endpoint = new CompletableFuture<>();
        StringBuilder said = new StringBuilder();
        Thread reader = new Thread(() -> {
            Pattern listening = Pattern.compile("WebDriver BiDi listening on (ws://\\S+)");
            try (BufferedReader r = new BufferedReader(new InputStreamReader(firefox.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (said) {
                        said.append(line).append('\n');
                    }
                    Matcher m = listening.matcher(line);
                    if (m.find()) {
                        endpoint.complete(m.group(1));
                    }
                }
            } catch (Exception e) {
                endpoint.completeExceptionally(e);
            }
        }, "firefox-output");
        reader.setDaemon(true);
        reader.start();
        String json;
        int code = 1;
        try {
            String ws = endpoint.get(60, TimeUnit.SECONDS) + "/session";
            HttpClient client = HttpClient.Factory.createDefault().createClient(
                    ClientConfig.defaultConfig().baseUri(URI.create(ws)));
            BiDi bidi = new BiDi(new Connection(client, ws), Duration.ofSeconds(60));
            bidi.send(new Command<Map<String, Object>>("session.new", Map.of("capabilities", Map.of()), Map.class));
            Map<?, ?> tree = bidi.send(new Command<Map<String, Object>>("browsingContext.getTree", Map.of(), Map.class));
            String context = (String) ((Map<?, ?>) ((List<?>) tree.get("contexts")).get(0)).get("context");
            long agentsBefore = iceAgents(base, token);
            long opened = System.nanoTime();
            bidi.send(new Command<Map<String, Object>>("browsingContext.navigate",
                    Map.of("context", context, "url", base + "/#token=" + token, "wait", "complete"), Map.class));
            long shownAfterMs = -1;
            String last = "{}";
            while (System.nanoTime() - opened < TimeUnit.SECONDS.toNanos(seconds)) {
                Map<?, ?> r = bidi.send(new Command<Map<String, Object>>("script.evaluate", Map.of("expression", READ,
                        "target", Map.of("context", context), "awaitPromise", true), Map.class));
                Object value = ((Map<?, ?>) r.get("result")).get("value");
                last = String.valueOf(value);
                if (shownAfterMs < 0 && last.contains("\"cannot\":true")) {
                    shownAfterMs = (System.nanoTime() - opened) / 1_000_000;
                }
                Thread.sleep(250);
            }
            // what a person would see, next to the report
            Map<?, ?> shot = bidi.send(new Command<Map<String, Object>>("browsingContext.captureScreenshot",
                    Map.of("context", context), Map.class));
            Files.write(out.resolveSibling(out.getFileName().toString().replaceAll("\\.json$", "") + ".png"),
                    java.util.Base64.getDecoder().decode((String) shot.get("data")));
            json = "{\"iceAgentsBefore\":" + agentsBefore + ",\"iceAgentsAfter\":" + iceAgents(base, token)
                    + ",\"shownAfterMs\":" + shownAfterMs + ",\"watchedSeconds\":" + seconds + ",\"page\":" + last + "}";
            bidi.send(new Command<Map<String, Object>>("browser.close", Map.of(), Map.class));
            bidi.close();
            code = 0;
        } catch (Exception e) {
            String output;
            synchronized (said) {
                output = said.toString();
            }
            json = "{\"failure\":\"" + (e + " — firefox said: " + output).replace("\\", "/").replace("\"", "'")
                    .replace("\n", " | ") + "\"}";
        } finally {
            firefox.destroy();
            if (!firefox.waitFor(10, TimeUnit.SECONDS)) {
                firefox.destroyForcibly();
            }
        }
        Files.writeString(out, json);
        System.out.println(json);
        deleteTree(profile);
        System.exit(code);
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>(walk.toList());
            java.util.Collections.reverse(paths);
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (Exception ignored) {
            // a temporary profile: the system cleans it up otherwise
        }
    }

    /** The streamer's count of ICE agents set up for viewers ({@code carsight_ice_agents_total} on /metrics). */
    static long iceAgents(String base, String token) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(URI.create(base + "/metrics")).header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return r.body().lines().filter(l -> l.startsWith("carsight_ice_agents_total ")).mapToLong(
                l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1).strip())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no carsight_ice_agents_total on " + base + "/metrics"));
    }
}
