package io.modelgateway.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.modelgateway.gateway.AdminClient;
import io.modelgateway.gateway.GatewayTestBase;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The console in a real browser (headless chromium): known traffic is posted through the inference API
 * first, and the numbers on the pages must equal what the APIs answer the same credential. Two fresh
 * tenants on a priced deployment of their own: {@code a} (3 calls) and {@code b} (1 call).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest extends GatewayTestBase {

    static final int CALLS_A = 3;
    static final int REFUSED_A = 2;

    ChromeDriver driver;
    Path profile;
    String a;
    String b;
    String keyA;
    String keyB;
    String finance;
    String deployment;

    @BeforeAll
    void traffic() {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        a = "con-a-" + suffix;
        b = "con-b-" + suffix;
        deployment = "console-" + suffix;
        AdminClient admin = admin();
        admin.expect(
                201,
                "POST",
                "/deployments",
                "{\"name\":\"" + deployment + "\",\"backend\":\"embedded\",\"model\":\"echo\","
                        + "\"chat_template\":\"plain\"}");
        admin.expect(
                201,
                "POST",
                "/prices/" + deployment,
                "{\"input_per_1m\":\"2\",\"output_per_1m\":\"8\",\"per_request\":\"0.001\",\"effective_from\":1}");
        admin.createTenant(a, deployment);
        admin.createTenant(b, deployment);
        keyA = admin.issueKey(a, "{\"name\":\"app\",\"scopes\":[\"inference\",\"usage.read\"]}");
        keyB = admin.issueKey(b, "{\"name\":\"app\",\"scopes\":[\"inference\",\"usage.read\"]}");
        finance = admin.expect(201, "POST", "/keys", "{\"name\":\"finance-" + suffix + "\",\"scopes\":[\"finance\"]}")
                .get("key")
                .asString();
        for (int i = 0; i < CALLS_A; i++) {
            chat(keyA, "Hello console number " + i);
        }
        chat(keyB, "Hello from b");
        // Refused calls of a's: an unknown model (404) and an unreadable body (400); they leave no usage record.
        refusedCall(keyA, "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 404);
        refusedCall(keyA, "{\"model\":", 400);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> requestsToday(keyA) == CALLS_A
                        && requestsToday(keyB) == 1
                        && outcomesToday(keyA) == CALLS_A + REFUSED_A);
    }

    /** A fresh browser and profile for every test: nothing carries over from one test to the next. */
    @BeforeEach
    void freshBrowser(@TempDir Path profile) {
        this.profile = profile;
        driver = Browser.start(profile);
    }

    @AfterEach
    void quit() {
        Browser.quit(driver, profile);
    }

    private void refusedCall(String key, String body, int status) {
        try {
            HttpResponse<String> r = http().send(
                            HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                                    .header("Authorization", "Bearer " + key)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void chat(String key, String text) {
        openAi(key)
                .chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model(deployment)
                        .addUserMessage(text)
                        .build());
    }

    @Test
    void tenantSeesItsOwnNumbersAndNoOtherTenant() {
        signIn(keyA);
        assertThat(driver.getCurrentUrl()).endsWith("/console/overview");
        JsonNode usage = api(keyA, "/v1/organization/usage/completions?" + today() + "&bucket_width=1d");
        JsonNode costs = api(keyA, "/v1/organization/costs?" + today());
        assertThat(text("total-requests"))
                .isEqualTo(String.valueOf(CALLS_A))
                .isEqualTo(String.valueOf(sum(usage, "num_model_requests")));
        assertThat(Long.parseLong(text("total-input-tokens")))
                .isEqualTo(sum(usage, "input_tokens"))
                .isPositive();
        assertThat(Long.parseLong(text("total-output-tokens")))
                .isEqualTo(sum(usage, "output_tokens"))
                .isPositive();
        assertThat(new BigDecimal(text("total-cost")))
                .isEqualByComparingTo(cost(costs))
                .isPositive();
        assertThat(column("top-tenants", 0)).containsExactly(a);
        assertThat(column("top-models", 0)).containsExactly(deployment);
        JsonNode outcomes = api(keyA, "/v1/organization/usage/outcomes?" + today() + "&group_by=outcome");
        assertThat(text("total-calls"))
                .isEqualTo(String.valueOf(CALLS_A + REFUSED_A))
                .isEqualTo(String.valueOf(sum(outcomes, "num_model_requests")));
        assertThat(text("total-refused"))
                .isEqualTo(String.valueOf(REFUSED_A))
                .isEqualTo(String.valueOf(sumWhere(outcomes, "outcome", "client_error")));
        assertThat(text("total-refusal-rate")).isEqualTo("40.00 %");
        assertThat(text("total-failed"))
                .isEqualTo("0")
                .isEqualTo(String.valueOf(sumWhere(outcomes, "outcome", "server_error")));
        assertThat(text("total-error-rate")).isEqualTo("0.00 %");
        assertThat(driver.findElements(By.cssSelector(".plot canvas")))
                .as("the charts are drawn")
                .hasSizeGreaterThanOrEqualTo(3);
        assertAssetsUnder300KB();
        shot("overview-tenant");
        driver.manage().window().setSize(new Dimension(390, 844));
        shot("overview-phone");
        driver.manage().window().setSize(new Dimension(1280, 900));

        driver.get(baseUrl() + "/console/credits");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Credits of " + a);
        assertThat(driver.findElements(By.cssSelector("form[action^='/console/credits/']")))
                .as("no booking forms for tenants")
                .isEmpty();
        shot("credits-tenant");

        // Editing the URL to name the other tenant: the API refuses, the page shows nothing of b's.
        driver.get(baseUrl() + "/console/credits?tenant=" + b);
        assertThat(driver.findElement(By.cssSelector(".alert")).getText())
                .contains("403")
                .contains("other_tenant");
        assertThat(driver.findElements(By.id("balance"))).isEmpty();
        driver.get(baseUrl() + "/console/usage?report=completions&group=project_id&tenant=" + b + "&from="
                + LocalDate.now(ZoneOffset.UTC));
        assertThat(driver.getPageSource()).doesNotContain(b + "</td>");
        assertThat(column("usage", 1)).containsOnly(a);
        driver.get(baseUrl() + "/console/statements?tenant=" + b);
        assertThat(driver.findElement(By.cssSelector(".alert")).getText())
                .contains("403")
                .contains("other_tenant");
        assertThat(driver.findElements(By.id("statement"))).isEmpty();
        try {
            String cookie = "console_session="
                    + driver.manage().getCookieNamed("console_session").getValue();
            HttpResponse<String> records = get("/console/records.csv?tenant=" + b, cookie);
            assertThat(records.statusCode()).isEqualTo(200);
            assertThat(records.body()).contains(a).doesNotContain(b);
        } catch (Exception e) {
            throw new AssertionError(e);
        }

        assertThat(String.valueOf(driver.executeScript(
                        "return document.cookie + JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")))
                .doesNotContain(keyA)
                .doesNotContain("console_session");
        assertThat(driver.manage().getCookieNamed("console_session").getValue()).doesNotContain(keyA);
    }

    @Test
    void financeSeesEveryTenantAndATopUpMovesTheBalance() {
        signIn(finance);
        JsonNode byTenant = api(finance, "/v1/organization/costs?" + today() + "&group_by=project_id");
        List<WebElement> rows = driver.findElements(By.cssSelector("#top-tenants tbody tr"));
        assertThat(rows).isNotEmpty();
        // Other tests' tenants share this database, so ours need not be in the top list: every row shown must
        // equal the API's cost for that tenant, and the list is sorted by cost.
        BigDecimal previous = null;
        for (WebElement row : rows) {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            BigDecimal shown = new BigDecimal(cells.get(1).getText());
            assertThat(shown)
                    .as(cells.get(0).getText())
                    .isEqualByComparingTo(costOf(byTenant, cells.get(0).getText()));
            assertThat(previous == null || previous.compareTo(shown) >= 0)
                    .as("sorted by cost")
                    .isTrue();
            previous = shown;
        }
        shot("overview-finance");

        driver.get(baseUrl() + "/console/credits");
        // At most 50 tenants with costs are listed (other tests' tenants share this database): ours are reached
        // through the list's link when listed, else through the URL the link would have.
        List<String> listed = column("balances", 0);
        assertThat(listed).as("finance lists the tenants with costs").isNotEmpty();
        if (listed.contains(a)) {
            driver.findElement(By.linkText(a)).click();
        } else {
            driver.get(baseUrl() + "/console/credits?tenant=" + a);
        }
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("tenant=" + a));
        BigDecimal before = new BigDecimal(text("credit-balance"));
        assertThat(before)
                .isEqualByComparingTo(
                        new BigDecimal(api(finance, credits(a)).get("balance").asString()));
        driver.findElement(By.id("topups-amount")).sendKeys("12.5");
        driver.findElement(By.id("topups-note")).sendKeys("PO 7 from the browser test");
        driver.findElement(By.cssSelector("#form-top-ups button")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".notice")));
        assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("Top-up booked");
        BigDecimal after = new BigDecimal(text("credit-balance"));
        assertThat(after.subtract(before)).isEqualByComparingTo("12.5");
        assertThat(after)
                .isEqualByComparingTo(
                        new BigDecimal(api(finance, credits(a)).get("balance").asString()));
        assertThat(column("ledger", 3)).contains("12.500000");
        shot("credits-finance");

        // Reloading the result page books nothing more; the same form sent twice would replay (same idempotency key).
        driver.navigate().refresh();
        assertThat(new BigDecimal(text("credit-balance"))).isEqualByComparingTo(after);
    }

    @Test
    void adminReadsUsageGroupedAsTheApiGroupsIt() {
        signIn(ADMIN_KEY);
        driver.get(baseUrl() + "/console/usage?report=completions&bucket=1d&group=project_id&group=model&tenant=" + a
                + "&from=" + LocalDate.now(ZoneOffset.UTC));
        assertThat(column("usage", 1))
                .as(driver.findElement(By.tagName("main")).getText())
                .containsExactly(a);
        assertThat(column("usage", 2)).containsExactly(deployment);
        JsonNode api =
                api(ADMIN_KEY, "/v1/organization/usage/completions?" + today() + "&bucket_width=1d&project_ids=" + a);
        assertThat(column("usage", 3)).containsExactly(String.valueOf(sum(api, "num_model_requests")));
        assertThat(column("usage", 6)).containsExactly(String.valueOf(sum(api, "output_tokens")));
        assertThat(driver.findElements(By.cssSelector(".plot canvas")))
                .as("the chart is drawn")
                .isNotEmpty();
        assertAssetsUnder300KB();
        shot("usage-admin");

        driver.get(baseUrl() + "/console/usage?report=costs&group=project_id&tenant=" + b + "&from="
                + LocalDate.now(ZoneOffset.UTC));
        assertThat(column("usage", 1)).containsExactly(b);
        assertThat(new BigDecimal(column("usage", 2).get(0)))
                .isEqualByComparingTo(
                        costOf(api(ADMIN_KEY, "/v1/organization/costs?" + today() + "&group_by=project_id"), b));
    }

    @Test
    void statementsShowTheApisNumbersAndAnOpenMonthCannotBeClosed() {
        signIn(finance);
        String month = java.time.YearMonth.now(ZoneOffset.UTC).toString();
        driver.get(baseUrl() + "/console/statements?tenant=" + a + "&period=" + month);
        JsonNode statement = api(finance, "/v1/organization/statements/" + a + "/" + month);
        assertThat(text("statement-usage"))
                .isEqualTo(statement.get("usage").get("total").asString());
        assertThat(text("statement-closing"))
                .isEqualTo(statement.get("closing_balance").get("amount").asString());
        assertThat(text("statement-status")).isEqualTo("open");
        shot("statements-finance");
        driver.findElement(By.cssSelector("#close input[name=confirm]")).click();
        driver.findElement(By.cssSelector("#close button")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(ExpectedConditions.alertIsPresent())
                .accept();
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".alert")));
        assertThat(text("statement-status")).isEqualTo("open");
        assertThat(driver.findElement(By.cssSelector(".alert")).getText())
                .contains("409")
                .contains("period_not_ended");

        driver.get(baseUrl() + "/console/fleet");
        assertThat(driver.findElement(By.cssSelector(".alert")).getText())
                .as("finance is no admin: the admin API refuses")
                .contains("403");
        assertThat(driver.findElements(By.id("deployments"))).isEmpty();
    }

    @Test
    void adminSeesTheFleetAndManagesTenantsAndKeys() {
        signIn(ADMIN_KEY);
        driver.get(baseUrl() + "/console/fleet");
        List<WebElement> row = driver.findElements(By.cssSelector("#deployments tbody tr")).stream()
                .filter(r -> r.findElements(By.tagName("td")).get(0).getText().equals(deployment))
                .toList();
        assertThat(row).hasSize(1);
        assertThat(row.get(0).findElements(By.tagName("td")).get(1).getText()).isEqualTo("READY");
        assertThat(column("replicas", 2)).contains("ready");
        shot("fleet-admin");

        String c = "con-c-" + UUID.randomUUID().toString().substring(0, 6);
        driver.get(baseUrl() + "/console/tenants");
        driver.findElement(By.id("new-id")).sendKeys(c);
        driver.findElement(By.id("new-name")).sendKeys("Console Co");
        driver.findElement(By.id("new-deployments")).sendKeys(deployment);
        driver.findElement(By.cssSelector("#create-tenant button")).click();
        awaitPage("/console/tenants/" + c);
        assertThat(text("tenant-status")).isEqualTo("active");
        driver.findElement(By.id("key-name")).sendKeys("reader");
        driver.findElement(By.cssSelector("#issue-key input[value='usage.read']"))
                .click();
        driver.findElement(By.cssSelector("#issue-key button")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(ExpectedConditions.presenceOfElementLocated(By.id("issued-key")));
        String issued = text("issued-key");
        assertThat(issued).startsWith("sk-");
        shot("tenants-admin");
        assertThat(api(issued, credits(c)).get("tenant").asString()).isEqualTo(c);
        driver.get(baseUrl() + "/console/tenants/" + c);
        assertThat(driver.getPageSource()).as("the key is shown once").doesNotContain(issued);
        driver.findElement(By.cssSelector("#keys form[action$='/revoke'] button"))
                .click();
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(ExpectedConditions.alertIsPresent())
                .accept();
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".notice")));
        assertThat(column("keys", 6)).containsExactly("revoked");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> status(issued, credits(c)) == 401);

        driver.findElement(By.id("limit-deployment")).sendKeys(deployment);
        driver.findElement(By.id("limit-rpm")).sendKeys("60");
        driver.findElement(By.cssSelector("#set-limits button")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".notice"), "Limits set"));
        WebElement limits = driver.findElements(By.cssSelector("#limits tbody tr")).stream()
                .filter(r -> r.findElements(By.tagName("td")).get(0).getText().equals(deployment))
                .findFirst()
                .orElseThrow();
        assertThat(limits.findElements(By.tagName("td")).get(3).getText()).isEqualTo("60");
        assertThat(admin().expect(200, "GET", "/tenants/" + c + "/limits/" + deployment, null)
                        .get("override")
                        .get("rpm")
                        .asLong())
                .isEqualTo(60);
    }

    @Test
    void csvDownloadsAreTheApisCsv() throws Exception {
        signIn(finance);
        String cookie = "console_session="
                + driver.manage().getCookieNamed("console_session").getValue();
        String day = LocalDate.now(ZoneOffset.UTC).toString();
        HttpResponse<String> view = get(
                "/console/usage.csv?report=completions&bucket=1d&group=project_id&tenant=" + a + "&from=" + day + "&to="
                        + day,
                cookie);
        assertThat(view.statusCode()).isEqualTo(200);
        assertThat(view.headers().firstValue("content-disposition"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("attachment"));
        HttpResponse<String> api = http().send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/organization/usage/completions?" + today()
                                        + "&bucket_width=1d&group_by=project_id&project_ids=" + a + "&format=csv"))
                                .header("Authorization", "Bearer " + finance)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(view.body()).isEqualTo(api.body()).contains(a);
        HttpResponse<String> records = get("/console/records.csv?tenant=" + a + "&from=" + day + "&to=" + day, cookie);
        assertThat(records.statusCode()).isEqualTo(200);
        assertThat(records.body().lines().filter(l -> l.contains(a)).count()).isEqualTo(CALLS_A);
        assertThat(get("/console/records.csv?tenant=" + a, "").statusCode())
                .as("no session: sent to sign in")
                .isEqualTo(303);
    }

    @Test
    void aTenantUserSignsInThroughTheIdentityProvider() {
        String tenant = "jwt-con-" + UUID.randomUUID().toString().substring(0, 6);
        admin().createTenant(tenant, deployment);
        ISSUER.signInAs(java.util.Map.of("tid", tenant, "scope", "usage.read"));
        driver.get(baseUrl() + "/console/sign-in");
        driver.findElement(By.id("oidc-sign-in")).click(); // to the provider and back, then on to the overview
        awaitPage("/console/overview");
        assertThat(text("total-requests")).isEqualTo("0");
        assertThat(driver.getPageSource()).contains(tenant);
        assertThat(driver.manage().getCookieNamed("console_oidc"))
                .as("the flow's cookie is gone")
                .isNull();
        driver.get(baseUrl() + "/console/credits?tenant=" + a);
        assertThat(driver.findElement(By.cssSelector(".alert")).getText())
                .contains("403")
                .contains("other_tenant");
        shot("oidc-signed-in");
    }

    @Test
    void signOutEndsTheSessionOnTheServer() {
        signIn(keyB);
        Cookie session = driver.manage().getCookieNamed("console_session");
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        driver.findElement(By.id("sign-out")).click();
        awaitPage("/console/sign-in");
        assertThat(driver.getCurrentUrl()).endsWith("/console/sign-in");
        driver.get(baseUrl() + "/console/overview");
        assertThat(driver.getCurrentUrl()).endsWith("/console/sign-in");
        driver.manage().addCookie(session); // the old id, replayed
        driver.get(baseUrl() + "/console/overview");
        assertThat(driver.getCurrentUrl()).endsWith("/console/sign-in");
    }

    @Test
    void postsWithoutTheCsrfTokenAreRefused() throws Exception {
        signIn(finance);
        String session = "console_session="
                + driver.manage().getCookieNamed("console_session").getValue();
        String balance = api(finance, credits(a)).get("balance").asString();
        String topUp = "tenant=" + a + "&amount=100&idempotency_key=csrf-" + UUID.randomUUID();
        assertThat(form("/console/credits/top-ups", session, topUp).statusCode())
                .isEqualTo(403);
        assertThat(form("/console/credits/top-ups", session, topUp + "&_csrf=forged")
                        .statusCode())
                .isEqualTo(403);
        assertThat(form("/console/sign-out", session, "").statusCode()).isEqualTo(403);
        assertThat(form("/console/sign-in", "", "key=" + finance).statusCode())
                .as("sign-in needs its token too")
                .isEqualTo(403);
        assertThat(api(finance, credits(a)).get("balance").asString()).isEqualTo(balance);
        driver.get(baseUrl() + "/console/overview");
        assertThat(driver.getCurrentUrl())
                .as("the refused sign-out left the session open")
                .endsWith("/console/overview");
    }

    @Test
    void sessionCookieIsHttpOnlyStrictAndSecureBehindTls() throws Exception {
        HttpResponse<String> page = http().send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/console/sign-in"))
                                .header("X-Forwarded-Proto", "https")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        String token = page.body().replaceAll("(?s).*name=\"_csrf\" value=\"([^\"]+)\".*", "$1");
        String cookie = page.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        HttpResponse<String> signedIn = http().send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/console/sign-in"))
                                .header("X-Forwarded-Proto", "https")
                                .header("Cookie", cookie)
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + token + "&key=" + finance))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).isEqualTo(303);
        String set = signedIn.headers().allValues("set-cookie").stream()
                .filter(c -> c.startsWith("console_session="))
                .findFirst()
                .orElseThrow();
        assertThat(set.toLowerCase())
                .contains("httponly")
                .contains("samesite=strict")
                .contains("secure")
                .contains("path=/console");
        assertThat(set).contains("SameSite=Strict").doesNotContain(finance);
        assertThat(page.headers().firstValue("content-security-policy"))
                .hasValueSatisfying(v -> assertThat(v).contains("script-src 'self'"));
    }

    // --- helpers ---

    /**
     * Checks what every page must be (one h1, every field labelled, a language, no sideways scrolling of the
     * page itself, under 300 KB loaded) and writes its screenshot.
     */
    private void shot(String name) {
        assertThat(driver.findElements(By.tagName("h1"))).hasSize(1);
        assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
        Object unlabelled = driver.executeScript(
                "return Array.from(document.querySelectorAll('input:not([type=hidden]), select'))"
                        + ".filter(function (e) { return e.labels.length === 0; }).map(function (e) { return e.name; });");
        assertThat((List<?>) unlabelled).as("fields without a label on " + name).isEmpty();
        Number overflow =
                (Number) driver.executeScript("return document.documentElement.scrollWidth - window.innerWidth;");
        assertThat(overflow.intValue()).as(name + " scrolls sideways").isLessThanOrEqualTo(0);
        assertAssetsUnder300KB();
        // Reported, not asserted (no timed tests): how long the page took to its load event.
        Object loaded = driver.executeScript(
                "var n = performance.getEntriesByType('navigation')[0]; return Math.round(n.loadEventEnd);");
        System.out.println("console page " + name + " loaded in " + loaded + " ms");
        Browser.screenshot(driver, name);
    }

    private void signIn(String key) {
        driver.get(baseUrl() + "/console/sign-in");
        driver.findElement(By.id("key")).sendKeys(key);
        driver.findElement(By.id("sign-in")).click();
        awaitPage("/console/overview");
    }

    /** A click that submits a form returns before the next page loads: wait for it. */
    private void awaitPage(String path) {
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .withMessage(() -> driver.getPageSource())
                .until(ExpectedConditions.urlMatches(java.util.regex.Pattern.quote(path) + "([?].*)?$"));
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

    /** What the page loaded (document and every asset), decoded, must stay under 300 KB. */
    private void assertAssetsUnder300KB() {
        Number bytes = (Number)
                driver.executeScript(
                        "var n = performance.getEntriesByType('navigation')[0].decodedBodySize;"
                                + "performance.getEntriesByType('resource').forEach(function (r) { n += r.decodedBodySize; }); return n;");
        assertThat(bytes.longValue()).isPositive().isLessThan(300_000);
    }

    private static String today() {
        LocalDate d = LocalDate.now(ZoneOffset.UTC);
        return "start_time=" + d.atStartOfDay(ZoneOffset.UTC).toEpochSecond() + "&end_time="
                + d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }

    private static String credits(String tenant) {
        return "/v1/organization/projects/" + tenant + "/credits";
    }

    private long requestsToday(String key) {
        return sum(
                api(key, "/v1/organization/usage/completions?" + today() + "&bucket_width=1d"), "num_model_requests");
    }

    private long outcomesToday(String key) {
        return sum(api(key, "/v1/organization/usage/outcomes?" + today()), "num_model_requests");
    }

    private static long sumWhere(JsonNode page, String field, String value) {
        long n = 0;
        for (JsonNode bucket : page.get("data")) {
            for (JsonNode r : bucket.get("results")) {
                n += value.equals(r.get(field).asString())
                        ? r.get("num_model_requests").asLong()
                        : 0;
            }
        }
        return n;
    }

    private static long sum(JsonNode page, String field) {
        long n = 0;
        for (JsonNode bucket : page.get("data")) {
            for (JsonNode r : bucket.get("results")) {
                n += r.get(field).asLong();
            }
        }
        return n;
    }

    private static BigDecimal cost(JsonNode page) {
        BigDecimal n = BigDecimal.ZERO;
        for (JsonNode bucket : page.get("data")) {
            for (JsonNode r : bucket.get("results")) {
                n = n.add(r.get("amount").get("value").decimalValue());
            }
        }
        return n;
    }

    private static BigDecimal costOf(JsonNode page, String tenant) {
        BigDecimal n = BigDecimal.ZERO;
        for (JsonNode bucket : page.get("data")) {
            for (JsonNode r : bucket.get("results")) {
                if (tenant.equals(r.get("project_id").asString())) {
                    n = n.add(r.get("amount").get("value").decimalValue());
                }
            }
        }
        return n;
    }

    private JsonNode api(String key, String pathAndQuery) {
        try {
            HttpResponse<String> r = http().send(
                            HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery))
                                    .header("Authorization", "Bearer " + key)
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return AdminClient.JSON.readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private int status(String key, String pathAndQuery) throws Exception {
        return http().send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery))
                                .header("Authorization", "Bearer " + key)
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder r =
                HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30));
        if (!cookie.isEmpty()) {
            r.header("Cookie", cookie);
        }
        return http().send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> form(String path, String cookie, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!cookie.isEmpty()) {
            r.header("Cookie", cookie);
        }
        return http().send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpClient http() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }
}
