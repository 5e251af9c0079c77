package org.openhes.headend.api.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The judge itself: it must refuse what the document does not allow, or the contract test proves nothing. */
class ApiContractTest {
    private final ApiContract contract = ApiContract.document();

    private List<String> check(String method, String path, int status, String type, String body, Map<String, List<String>> more) {
        var headers = new java.util.HashMap<String, List<String>>(more);
        if (type != null) headers.put("Content-Type", List.of(type));
        var op = contract.operation(method, path).orElseThrow();
        return contract.violations(op, status, HttpHeaders.of(headers, (a, b) -> true), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aDocumentedAnswerPasses() {
        assertThat(check("GET", "/api/v1/subscriptions/17", 404, "application/problem+json",
                "{\"type\":\"about:blank\",\"title\":\"Not found\",\"status\":404,\"detail\":\"no subscription 17\",\"instance\":\"/api/v1/subscriptions/17\"}", Map.of())).isEmpty();
    }

    @Test
    void theDocumentsExamplesValidateAgainstTheirSchemas() {
        assertThat(contract.exampleViolations()).isEmpty();
    }

    @Test
    void everyOperationHasAnIdAndEveryAuthenticatedOneItsRoles() {
        assertThat(contract.operations()).allSatisfy(op -> {
            assertThat(op.node().path("operationId").asText()).as("%s %s", op.method(), op.template()).isNotBlank();
            boolean open = op.node().has("security") && op.node().get("security").isEmpty();
            assertThat(open || op.node().path("x-roles").size() > 0).as("%s has x-roles", op.id()).isTrue();
        });
        assertThat(contract.operations()).extracting(ApiContract.Operation::id).doesNotHaveDuplicates();
    }

    @Test
    void aLiteralRouteWinsOverATemplate() {
        assertThat(contract.operation("POST", "/api/v1/meters/import").orElseThrow().template()).isEqualTo("/api/v1/meters/import");
        assertThat(contract.operation("GET", "/api/v1/meters/5414488").orElseThrow().template()).isEqualTo("/api/v1/meters/{id}");
        assertThat(contract.operation("GET", "/api/v1/no-such-thing")).isEmpty();
        assertThat(contract.operation("PATCH", "/api/v1/meters/5414488")).isEmpty();
    }

    @Test
    void anUndocumentedStatusMediaTypeFieldOrMissingHeaderIsRefused() {
        assertThat(check("GET", "/api/v1/subscriptions/17", 418, "application/json", "{}", Map.of()))
                .singleElement().asString().contains("status 418 is not documented");
        assertThat(check("GET", "/api/v1/subscriptions/17", 404, "text/html", "<h1>no</h1>", Map.of()))
                .singleElement().asString().contains("Content-Type text/html is not documented");
        assertThat(check("GET", "/api/v1/subscriptions/17", 404, "application/problem+json",
                "{\"title\":\"Not found\",\"status\":\"404\"}", Map.of())).isNotEmpty();
        assertThat(check("GET", "/api/v1/subscriptions/17", 404, "application/problem+json",
                "{\"type\":\"about:blank\",\"title\":\"Not found\",\"status\":404,\"secretKey\":\"00\"}", Map.of()))
                .anySatisfy(v -> assertThat(v).contains("secretKey"));
        assertThat(check("DELETE", "/api/v1/subscriptions/17", 204, "application/json", "{}", Map.of()))
                .singleElement().asString().contains("describes no body");
        assertThat(check("POST", "/api/v1/subscriptions", 201, "application/json", "{}", Map.of()))
                .anySatisfy(v -> assertThat(v).contains("Location"));
    }
}
