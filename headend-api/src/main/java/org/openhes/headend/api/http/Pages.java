package org.openhes.headend.api.http;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Lists answered in pages: {@code {"items": [...], "next": cursor}}, next null on the last page. The
 * client sends the cursor back (as {@code ?after=} for keyset pages) to get the page that follows.
 */
final class Pages {
    private Pages() {
    }

    /** ?limit=, 1 to 1000, 100 when absent. */
    static int limit(Context ctx) {
        String v = ctx.queryParam("limit");
        if (v == null) return 100;
        try {
            int n = Integer.parseInt(v);
            if (n < 1 || n > 1000) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest("limit", "limit must be between 1 and 1000 (was " + v + ")");
        }
    }

    static Map<String, Object> page(List<?> items, String next) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("items", items);
        m.put("next", next);
        return m;
    }

    /**
     * A keyset page from rows fetched with {@code limit + 1}: the extra row only says that there is a
     * next page, which starts after the key of the last row shown.
     */
    static <T> Map<String, Object> keyset(List<T> rows, int limit, Function<? super T, String> key, Function<? super T, ?> item) {
        String next = rows.size() > limit ? key.apply(rows.get(limit - 1)) : null;
        List<Object> items = new ArrayList<>();
        for (T row : rows.subList(0, Math.min(limit, rows.size()))) items.add(item.apply(row));
        return page(items, next);
    }
}
