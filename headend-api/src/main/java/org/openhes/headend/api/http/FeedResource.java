package org.openhes.headend.api.http;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openhes.headend.scheduler.delivery.FeedEntry;
import org.openhes.headend.scheduler.delivery.FeedKind;
import org.openhes.headend.scheduler.delivery.FeedPosition;
import org.openhes.headend.scheduler.delivery.FeedStore;

/**
 * /feed: the same entries subscriptions deliver, pulled: {@code ?after=<cursor>&kinds=a,b&limit=}.
 * {@code next} is where to continue from: the last item's cursor, or {@code after} itself when there
 * was nothing new (poll again with it).
 */
final class FeedResource {
    private final FeedStore feed;
    private final FeedItems items;

    FeedResource(FeedStore feed, FeedItems items) {
        this.feed = feed;
        this.items = items;
    }

    void page(Context ctx, String caller) {
        FeedPosition after = ctx.queryParam("after") == null ? FeedPosition.START : SubscriptionResource.cursor("after", ctx.queryParam("after"));
        List<FeedKind> kinds = List.of(FeedKind.values());
        if (ctx.queryParam("kinds") != null) {
            try {
                kinds = java.util.Arrays.stream(ctx.queryParam("kinds").split(",")).map(String::trim).map(FeedKind::of).distinct().toList();
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badRequest("kinds", e.getMessage());
            }
        }
        List<FeedEntry> page = feed.page(after, kinds, Pages.limit(ctx));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items.render(page));
        body.put("next", page.isEmpty() ? after.toString() : page.get(page.size() - 1).position().toString());
        ctx.json(body);
    }
}
