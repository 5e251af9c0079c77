package org.openhes.headend.api.http;

import static org.openhes.headend.api.http.Json.JSON;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Conditional GETs for resources a client polls (a command, a read run): the answer carries a strong
 * {@code ETag}, a hash of the JSON body's bytes, and a request whose {@code If-None-Match} names it (or
 * is {@code *}) is answered 304 Not Modified, with the ETag and no body (RFC 9110 §8.8.3, §13.1.2).
 */
final class Conditional {
    private Conditional() {
    }

    /** Answers {@code representation} as JSON with its ETag, or 304 when the client already has it. */
    static void json(Context ctx, Object representation) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(representation);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        String tag = etag(body);
        ctx.header("ETag", tag);
        if (noneMatchFails(ctx.header("If-None-Match"), tag)) {
            ctx.status(304);
            return;
        }
        ctx.contentType("application/json").result(body);
    }

    /** A strong entity tag for these bytes: the first 128 bits of their SHA-256, quoted. */
    static String etag(byte[] body) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
            return '"' + HexFormat.of().formatHex(hash, 0, 16) + '"';
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether an If-None-Match header value stops the answer (so 304): {@code *} (the resource exists, as
     * it does here), or a list of entity tags one of which matches {@code tag} by the weak comparison
     * (W/"x" matches "x"). A header that cannot be parsed is ignored, as if it were absent.
     */
    static boolean noneMatchFails(String header, String tag) {
        if (header == null) return false;
        String h = header.strip();
        if (h.equals("*")) return true;
        String opaque = tag.startsWith("W/") ? tag.substring(2) : tag;
        int i = 0, n = h.length();
        while (i < n) {
            char c = h.charAt(i);
            if (c == ',' || c == ' ' || c == '\t') {
                i++;
                continue;
            }
            if (h.startsWith("W/", i)) i += 2;
            if (i >= n || h.charAt(i) != '"') return false;
            int end = h.indexOf('"', i + 1);
            if (end < 0) return false;
            if (h.substring(i, end + 1).equals(opaque)) return true;
            i = end + 1;
        }
        return false;
    }
}
