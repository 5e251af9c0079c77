package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openhes.client.ApiClient;
import org.openhes.client.ApiException;
import org.openhes.client.JSON;
import org.openhes.client.api.CommandsApi;
import org.openhes.client.api.DeliveryApi;
import org.openhes.client.api.MetersApi;
import org.openhes.client.api.OperationsApi;
import org.openhes.client.api.ReadsApi;
import org.openhes.client.model.Command;
import org.openhes.client.model.CommandRequest;
import org.openhes.client.model.CommandStatus;
import org.openhes.client.model.CommandType;
import org.openhes.client.model.DailyRead;
import org.openhes.client.model.FeedKind;
import org.openhes.client.model.FeedPage;
import org.openhes.client.model.Problem;
import org.openhes.client.model.ReadRun;
import org.openhes.client.model.ReadRunRequest;
import org.openhes.client.model.Role;
import org.openhes.client.model.Subscription;
import org.openhes.client.model.SubscriptionRequest;
import org.openhes.client.model.TokenRequest;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.contract.ContractHttpClient;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * The prepayment journey as the platform team would write it: through the Java client that the build
 * generates from openapi.json (openapi-generator, {@code native} library), against a node and simulated
 * meters over real TCP and PostgreSQL. A route, parameter, body or answer the document gets wrong breaks
 * this test at compile time (an operation or a type that is not there) or at run time (a request the
 * server refuses, an answer the client cannot read); every answer is also held to the document by the
 * contract client underneath.
 */
class PlatformClientJourneyTest {
    static final String ADMIN = "admin-token-for-the-platform-client";
    static SimulatedFleet fleet;
    static HeadendNode node;
    static ApiClient admin;
    static ApiClient platform;

    @BeforeAll
    static void start() throws Exception {
        fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(4).port(0).manualReconnectShare(0).build());
        node = HeadendNode.start(HeadendConfig.from(FaultyFleetTest.settings(Map.of("admin.token", ADMIN))), Clock.systemUTC());
        admin = client(ADMIN);
        StringWriter csv = new StringWriter();
        fleet.exportCsv(csv);
        assertThat(new MetersApi(admin).importMeters(csv.toString()).getAccepted()).isEqualTo(4);
        String token = new OperationsApi(admin).createToken(new TokenRequest().name("prepayment").role(Role.PLATFORM)).getToken();
        platform = client(token);
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
        if (fleet != null) fleet.close();
    }

    static ApiClient client(String token) {
        ApiClient c = new ApiClient(ContractHttpClient.builder(), JSON.getDefault().getMapper(), "http://127.0.0.1:" + node.httpPort());
        c.setRequestInterceptor(r -> r.header("Authorization", "Bearer " + token));
        c.setReadTimeout(Duration.ofSeconds(60));
        return c;
    }

    static String ean(int i) {
        return fleet.identity(i).ean();
    }

    @Test
    void thePrepaymentPlatformReadsTheIndexesAndOrdersTheMetersThroughTheGeneratedClient() throws Exception {
        // the morning: the day's read run (operations start it), followed with conditional requests
        ReadsApi adminReads = new ReadsApi(admin);
        ReadRun run = adminReads.startReadRun(new ReadRunRequest());
        ReadsApi reads = new ReadsApi(platform);
        ReadRun progress = await(() -> reads.getReadRun(run.getId(), null), r -> r.getPending() == 0, Duration.ofSeconds(60));
        assertThat(progress.getSucceeded()).isEqualTo(4);
        var withTag = reads.getReadRunWithHttpInfo(run.getId(), null);
        String tag = withTag.getHeaders().get("etag").get(0);
        ApiException unchanged = catchThrowableOfType(ApiException.class, () -> reads.getReadRun(run.getId(), tag));
        assertThat(unchanged.getCode()).as("nothing changed since the tag: 304").isEqualTo(304);

        // the four index registers of today's midnight, as typed objects (the gas index comes as its own read)
        LocalDate today = LocalDate.now(ZoneId.of("Europe/Brussels"));
        List<DailyRead> days = reads.getMeterDailyReads(ean(0), today, today).getItems().stream()
                .filter(d -> d.getSource() == DailyRead.SourceEnum.DAILY_PROFILE).toList();
        assertThat(days).isNotEmpty().allSatisfy(d -> assertThat(d.getCapturedAt().toInstant())
                .isEqualTo(today.atStartOfDay(ZoneId.of("Europe/Brussels")).toInstant()));
        assertThat(days.stream().flatMap(d -> d.getRegisters().stream()).map(r -> r.getObis()))
                .contains("1-0:1.8.1.255", "1-0:1.8.2.255", "1-0:2.8.1.255", "1-0:2.8.2.255");

        // orders: a protected customer's power limit, a disconnection, a reconnection after a top-up, the balance
        CommandsApi commands = new CommandsApi(platform);
        Command limit = commands.submitCommand(ean(1), new CommandRequest().type(CommandType.SET_POWER_LIMIT).watts(2300), "limit-1");
        Command again = commands.submitCommand(ean(1), new CommandRequest().type(CommandType.SET_POWER_LIMIT).watts(2300), "limit-1");
        assertThat(again.getId()).as("an idempotent repeat is the same command").isEqualTo(limit.getId());
        Command cut = commands.submitCommand(ean(2), new CommandRequest().type(CommandType.DISCONNECT), "cut-1");
        Command balance = commands.submitCommand(ean(3), new CommandRequest().type(CommandType.DISPLAY_BALANCE).amount("12.34").currency("EUR"), "bal-1");
        for (Command c : List.of(limit, cut, balance)) {
            Command done = await(() -> commands.getCommand(c.getId(), null), x -> x.getStatus() == CommandStatus.SUCCEEDED
                    || x.getStatus() == CommandStatus.FAILED, Duration.ofSeconds(60));
            assertThat(done.getStatus()).as("%s: %s", c.getType(), done.getError()).isEqualTo(CommandStatus.SUCCEEDED);
        }
        assertThat(commands.getCommand(cut.getId(), null).getResult()).containsKey("state");
        Command back = commands.submitCommand(ean(2), new CommandRequest().type(CommandType.RECONNECT), "topup-1");
        assertThat(await(() -> commands.getCommand(back.getId(), null), x -> x.getStatus() == CommandStatus.SUCCEEDED, Duration.ofSeconds(60))
                .getStatus()).isEqualTo(CommandStatus.SUCCEEDED);

        // refusals arrive as typed problems naming the field
        ApiException tooLow = catchThrowableOfType(ApiException.class,
                () -> commands.submitCommand(ean(1), new CommandRequest().type(CommandType.SET_POWER_LIMIT).watts(50), null));
        assertThat(tooLow.getCode()).isEqualTo(422);
        assertThat(problem(tooLow).getField()).isEqualTo("watts");
        ApiException unknown = catchThrowableOfType(ApiException.class, () -> new MetersApi(platform).getMeter("541448899999999990"));
        assertThat(unknown.getCode()).isEqualTo(404);
        assertThat(problem(unknown).getDetail()).contains("541448899999999990");
        ApiException noCommand = catchThrowableOfType(ApiException.class, () -> commands.getCommand(UUID.randomUUID(), null));
        assertThat(noCommand.getCode()).isEqualTo(404);

        // the pushed side: a subscription, and the same items pulled from the feed
        DeliveryApi delivery = new DeliveryApi(platform);
        Subscription sub = delivery.createSubscription(new SubscriptionRequest().url(java.net.URI.create("http://127.0.0.1:9/never"))
                .kinds(List.of(FeedKind.DAILY_READ, FeedKind.COMMAND_RESULT)).from("earliest").batchSize(10));
        assertThat(delivery.getSubscription(sub.getId()).getKinds()).containsExactly(FeedKind.DAILY_READ, FeedKind.COMMAND_RESULT);
        FeedPage page = delivery.getFeed(null, "command-result", 100);
        assertThat(page.getItems()).extracting(i -> i.getMeterId()).contains(ean(1), ean(2), ean(3));
        delivery.deleteSubscription(sub.getId());
        assertThat(catchThrowableOfType(ApiException.class, () -> delivery.getSubscription(sub.getId())).getCode()).isEqualTo(404);
    }

    static Problem problem(ApiException e) throws Exception {
        return new ObjectMapper().readValue(e.getResponseBody(), Problem.class);
    }

    interface Call<T> {
        T call() throws ApiException;
    }

    static <T> T await(Call<T> call, Predicate<T> done, Duration within) throws Exception {
        long until = System.nanoTime() + within.toNanos();
        T last = call.call();
        while (!done.test(last)) {
            assertThat(System.nanoTime()).as("not reached in %s: %s", within, last).isLessThan(until);
            Thread.sleep(100);
            last = call.call();
        }
        return last;
    }
}
