package org.openhes.headend.api.console;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * Builds each page's {@link Frame}; carries a one-time notice across a redirect after a post (in a
 * short-lived cookie, so a link cannot put words on a page).
 */
final class Frames {
    static final String NOTICE_COOKIE = "hes_notice";
    private final String chartLibrary = "/webjars/uplot/" + webjarVersion("org.webjars.npm", "uplot") + "/dist/";

    Frame of(Context ctx, String title, Caller caller, String section) {
        String notice = ctx.cookie(NOTICE_COOKIE);
        if (notice != null) ctx.header("Set-Cookie", NOTICE_COOKIE + "=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict");
        return new Frame(title, caller, section, notice == null ? null : URLDecoder.decode(notice, StandardCharsets.UTF_8), chartLibrary);
    }

    /** After a post: 303 to {@code path}, where {@code notice} shows once. */
    static void redirectWithNotice(Context ctx, String path, String notice) {
        ctx.header("Set-Cookie", NOTICE_COOKIE + "=" + URLEncoder.encode(notice, StandardCharsets.UTF_8)
                + "; Path=/console; Max-Age=60; HttpOnly; SameSite=Strict");
        ctx.redirect(path, HttpStatus.SEE_OTHER);
    }

    /** The version of a webjar on the class path (its pom.properties), so pages name the files that are there. */
    static String webjarVersion(String group, String artifact) {
        String resource = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = Frames.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("the console's chart library is missing from the class path (" + resource + ")");
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }
}
