package io.flowexporter.app.console;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The console page at {@code /} and its few assets under {@code /console/}, all from the jar: plain
 * HTML, CSS and one script, and the world map's country shapes ({@link WorldMap}). The page reads
 * the same JSON as scripts do ({@code /api/v1/top}, {@code /api/v1/console}) and the flow API with
 * the token the user types.
 */
public final class ConsolePage {

  /** Asset name to content type; nothing else is served. */
  private static final Map<String, String> ASSETS =
      Map.of(
          "console.css", "text/css; charset=utf-8",
          "console.js", "text/javascript; charset=utf-8");

  /** An asset as served: its bytes and their entity tag. */
  private record Asset(byte[] body, String etag) {
    static Asset of(byte[] body) {
      try {
        byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(body);
        return new Asset(body, "\"" + java.util.HexFormat.of().formatHex(hash, 0, 12) + "\"");
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e); // every JVM has SHA-256
      }
    }
  }

  private final Map<String, Asset> cache = new ConcurrentHashMap<>();

  /** Adds the routes. */
  public void mount(Javalin app) {
    app.get(
        "/",
        ctx -> send(ctx, "index.html", "text/html; charset=utf-8", () -> resource("index.html")));
    app.get(
        "/console/world.json", ctx -> send(ctx, "world.json", "application/json", WorldMap::json));
    app.get(
        "/console/{asset}",
        ctx -> {
          String asset = ctx.pathParam("asset");
          String type = ASSETS.get(asset);
          if (type == null) {
            ctx.status(HttpStatus.NOT_FOUND).result("not found\n");
            return;
          }
          send(ctx, asset, type, () -> resource(asset));
        });
  }

  private void send(Context ctx, String name, String type, Supplier<byte[]> load) {
    Asset asset = cache.computeIfAbsent(name, n -> Asset.of(load.get()));
    ctx.contentType(type);
    // The assets change only with the jar; no-cache makes browsers revalidate (If-None-Match with
    // the tag) at each load, so that an upgrade shows at once and otherwise costs a 304.
    ctx.header("Cache-Control", "no-cache");
    ctx.header("ETag", asset.etag());
    ctx.header("X-Content-Type-Options", "nosniff");
    if (name.equals("index.html")) {
      // The page runs only its own script and reads only its own origin.
      ctx.header(
          "Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'");
    }
    String known = ctx.header("If-None-Match");
    if (known != null
        && java.util.Arrays.stream(known.split(","))
            .map(String::trim)
            .anyMatch(
                t -> t.equals(asset.etag()) || t.equals("W/" + asset.etag()) || t.equals("*"))) {
      ctx.status(HttpStatus.NOT_MODIFIED);
      return;
    }
    ctx.result(asset.body());
  }

  private static byte[] resource(String name) {
    try (InputStream in = ConsolePage.class.getResourceAsStream("/console/" + name)) {
      if (in == null) {
        throw new IllegalStateException("/console/" + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
