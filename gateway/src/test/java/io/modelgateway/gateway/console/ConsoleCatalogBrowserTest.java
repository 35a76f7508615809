package io.modelgateway.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.AdminClient;
import io.modelgateway.gateway.GatewayTestBase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The console's catalog page and quote box in a real browser (headless chromium), set up as
 * {@link ConsoleBrowserTest}: what the page lists and quotes must be what {@code GET /v1/catalog} and the quote
 * API answer the same credential. A tenant on two priced deployments of this test (and nothing else), and a
 * second tenant whose key may only read usage, which the APIs refuse.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleCatalogBrowserTest extends GatewayTestBase {

    ChromeDriver driver;
    Path profile;
    String tag;
    String tenant;
    String key;
    String readOnlyKey;
    String small;
    String large;

    @BeforeAll
    void catalog() {
        tag = UUID.randomUUID().toString().substring(0, 6);
        small = "cat-small-" + tag;
        large = "cat-large-" + tag;
        AdminClient admin = admin();
        for (String d : List.of(small, large)) {
            admin.expect(
                    201,
                    "POST",
                    "/deployments",
                    "{\"name\":\"" + d + "\",\"backend\":\"embedded\",\"model\":\"echo\","
                            + "\"chat_template\":\"plain\",\"catalog\":{\"display_name\":\"" + d
                            + " model\",\"tags\":[\"" + tag
                            + "\"" + (d.equals(small) ? ",\"small\"" : "") + "]}}");
        }
        admin.expect(
                201,
                "POST",
                "/prices/" + small,
                "{\"input_per_1m\":\"2\",\"output_per_1m\":\"8\",\"per_request\":\"0.001\",\"effective_from\":1}");
        admin.expect(
                201,
                "POST",
                "/prices/" + large,
                "{\"input_per_1m\":\"20\",\"output_per_1m\":\"80\",\"effective_from\":1}");
        tenant = "cat-" + tag;
        admin.createTenant(tenant, small, large);
        admin.expect(201, "POST", "/tenants/" + tenant + "/credits/grants", "{\"amount\":\"0.05\"}");
        key = admin.issueKey(tenant, "{\"name\":\"app\",\"scopes\":[\"inference\",\"usage.read\"]}");
        readOnlyKey = admin.issueKey(tenant, "{\"name\":\"reader\",\"scopes\":[\"usage.read\"]}");
    }

    @BeforeEach
    void freshBrowser(@TempDir Path profile) {
        this.profile = profile;
        driver = Browser.start(profile);
    }

    @AfterEach
    void quit() {
        Browser.quit(driver, profile);
    }

    @Test
    void theCatalogPageListsWhatTheApiListsAndTheQuoteBoxShowsTheApisNumbers() throws Exception {
        signIn(key);
        driver.get(baseUrl() + "/console/catalog");
        JsonNode listed = api("GET", "/v1/catalog", null);
        assertThat(column("catalog", 0)).containsExactlyElementsOf(ids(listed)).containsExactlyInAnyOrder(small, large);
        assertThat(column("catalog", 7)).contains("2.000000", "20.000000");

        driver.findElement(By.id("filter-q")).sendKeys("small " + tag);
        driver.findElement(By.id("filter-sort")).sendKeys("input_price");
        driver.findElement(By.id("search")).click();
        awaitPage("/console/catalog");
        assertThat(column("catalog", 0))
                .containsExactlyElementsOf(ids(api("GET", "/v1/catalog?q=small+" + tag + "&sort=input_price", null)))
                .containsExactly(small);
        shot("catalog-tenant");

        driver.findElement(By.id("quote-model")).sendKeys(large);
        driver.findElement(By.id("quote-prompt")).sendKeys("How much would this cost me?");
        driver.findElement(By.id("quote-max-tokens")).sendKeys("4000");
        driver.findElement(By.id("quote")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(ExpectedConditions.presenceOfElementLocated(By.id("quote-result")));
        JsonNode quote = api(
                "POST",
                "/v1/chat/completions/quote",
                "{\"model\":\"" + large + "\",\"messages\":[{\"role\":"
                        + "\"user\",\"content\":\"How much would this cost me?\"}],\"max_tokens\":4000}");
        assertThat(text("quote-decision")).isEqualTo("Allowed now.");
        assertThat(text("quote-prompt-tokens"))
                .isEqualTo(quote.get("tokens").get("prompt").asString());
        assertThat(text("quote-estimate"))
                .isEqualTo(quote.get("tokens").get("estimate").asString());
        assertThat(text("quote-max-cost")).isEqualTo(quote.get("max_cost").asString());
        assertThat(text("quote-available"))
                .isEqualTo(quote.get("available").asString())
                .isEqualTo("0.050000");
        assertThat(text("quote-affordable"))
                .isEqualTo(quote.get("affordable_max_tokens").asString());
        assertThat(quote.get("affordable_max_tokens").asInt())
                .as("0.05 affords fewer than 4000 tokens at 80 per 1M")
                .isLessThan(4000);
        shot("catalog-quote");

        // A refusal by a limit is shown as the quote words it.
        assertThat(driver.findElement(By.id("quote-model")).getAttribute("value"))
                .as("the box keeps what was asked")
                .isEqualTo(large);
        assertThat(driver.findElement(By.id("quote-max-tokens")).getAttribute("value"))
                .isEqualTo("4000");
        driver.findElement(By.id("quote-model")).clear();
        driver.findElement(By.id("quote-model")).sendKeys(small);
        driver.findElement(By.id("quote-n")).sendKeys("2");
        driver.findElement(By.id("quote")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(ExpectedConditions.textToBePresentInElementLocated(By.id("quote-result"), "400"));
        assertThat(text("quote-result")).contains("unsupported_parameter");
    }

    @Test
    void aKeyThatMayOnlyReadUsageSeesTheApisRefusal() {
        signIn(readOnlyKey);
        driver.get(baseUrl() + "/console/catalog");
        assertThat(text("catalog-refused")).contains("403").contains("insufficient_scope");
        assertThat(driver.findElements(By.id("catalog"))).isEmpty();
        driver.findElement(By.id("quote-model")).sendKeys(small);
        driver.findElement(By.id("quote-prompt")).sendKeys("hello");
        driver.findElement(By.id("quote")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(ExpectedConditions.presenceOfElementLocated(By.id("quote-result")));
        assertThat(text("quote-result")).contains("403").contains("insufficient_scope");
        assertThat(driver.findElements(By.id("quote-numbers"))).isEmpty();
        shot("catalog-refused");
    }

    private void signIn(String credential) {
        driver.get(baseUrl() + "/console/sign-in");
        driver.findElement(By.id("key")).sendKeys(credential);
        driver.findElement(By.id("sign-in")).click();
        awaitPage("/console/overview");
    }

    private void awaitPage(String path) {
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .withMessage(() -> driver.getPageSource())
                .until(ExpectedConditions.urlMatches(java.util.regex.Pattern.quote(path) + "([?].*)?$"));
    }

    /** One h1, every field labelled, no sideways scrolling; then the screenshot. */
    private void shot(String name) {
        assertThat(driver.findElements(By.tagName("h1"))).hasSize(1);
        Object unlabelled = driver.executeScript(
                "return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))"
                        + ".filter(function (e) { return e.labels.length === 0; }).map(function (e) { return e.name; });");
        assertThat((List<?>) unlabelled).as("fields without a label on " + name).isEmpty();
        Number overflow =
                (Number) driver.executeScript("return document.documentElement.scrollWidth - window.innerWidth;");
        assertThat(overflow.intValue()).as(name + " scrolls sideways").isLessThanOrEqualTo(0);
        Browser.screenshot(driver, name);
    }

    private String text(String id) {
        return driver.findElement(By.id(id)).getText().trim();
    }

    private List<String> column(String table, int index) {
        return driver.findElements(By.cssSelector("#" + table + " tbody tr")).stream()
                .map(r -> r.findElements(By.tagName("td")))
                .filter(cells -> cells.size() > index)
                .map(cells -> cells.get(index).getText().trim())
                .toList();
    }

    private static List<String> ids(JsonNode page) {
        return page.get("data").valueStream().map(m -> m.get("id").asString()).toList();
    }

    private JsonNode api(String method, String path, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(30));
        if (body != null) {
            r.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> answer = HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return AdminClient.JSON.readTree(answer.body());
    }
}
