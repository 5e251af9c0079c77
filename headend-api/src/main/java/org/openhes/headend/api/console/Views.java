package org.openhes.headend.api.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;

/**
 * The console's pages, rendered by jte from templates compiled at build time (src/main/jte): HTML
 * escaping is the engine's, a template that does not type-check fails the build.
 */
final class Views {
    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    /** Renders {@code template} with its one model and answers it as the page. */
    void render(Context ctx, String template, Object model) {
        StringOutput out = new StringOutput();
        engine.render(template, model, out);
        ctx.html(out.toString());
    }
}
