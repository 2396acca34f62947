import { expect, test } from "@playwright/test";
import { ADMIN, inspect, logIn, STEWARD, VIEWER } from "./helpers";

test("a steward edits a table's owner, description and tags; a column's profile is a chart", async ({ page }, testInfo) => {
  await page.goto("/login");
  await logIn(page, STEWARD);
  await page.goto("/tables/raw.orders");
  await expect(page.getByRole("heading", { name: "raw.orders" })).toBeVisible();
  await page.getByRole("button", { name: "Edit owner, description and tags" }).click();
  await page.getByLabel("Owner").fill("sales-analytics");
  await page.getByLabel("Description").fill("Orders as the shop took them, one row per order.");
  await page.getByLabel("Tags").fill("Gold, sales");
  // Reload only once the server has the change.
  const saved = page.waitForResponse((r) => r.request().method() === "PATCH" && r.ok());
  await page.getByRole("button", { name: "Save" }).click();
  await saved;
  await page.reload();
  await expect(page.getByText("sales-analytics")).toBeVisible();
  await expect(page.getByText("Orders as the shop took them, one row per order.")).toBeVisible();
  await expect(page.locator(".annotations .tag")).toHaveText(["gold", "sales"]);

  // A column's profile: figures and its frequent values drawn by uPlot
  // (a column of few values, so there are frequent ones to draw).
  await page.locator("button.colname", { hasText: /^status$/ }).click();
  await expect(page.locator(".profile dt").first()).toBeVisible();
  await expect(page.locator(".profile canvas").first()).toBeVisible();
  await expect(page.getByRole("heading", { name: "Lineage" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Cost a month" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Who reads it" })).toBeVisible();
  await inspect(page, testInfo, "table-edited");
});

test("the lineage graph: a table expanded to its columns, sensitive paths, search in the graph, impact", async ({ page }, testInfo) => {
  await page.goto("/login");
  await logIn(page, STEWARD);
  await page.goto("/lineage/raw.customers.email?direction=down&depth=4");
  const canvas = page.getByTestId("lineage-canvas");
  const root = canvas.locator(".lnode.root");
  await expect(root).toBeVisible();
  await expect(canvas.locator(".lnode").nth(1)).toBeVisible();
  // A red edge carries the sensitive e-mail column downstream.
  await expect(canvas.locator(".edge-sensitive").first()).toBeAttached();

  await page.getByRole("button", { name: "Expand raw.customers" }).click();
  await expect(root.locator(".lcols li", { hasText: "email" })).toBeVisible();
  await expect(root.locator(".lcols li.sensitive").first()).toBeVisible();

  await page.getByLabel("Find in graph").fill("customer_360");
  await expect(canvas.locator(".lnode.match").first()).toBeAttached();
  await page.getByLabel("Impact").selectOption("drop");
  await expect(page.getByText(/assets affected/)).toBeVisible();
  await expect(canvas.locator(".lnode.effect-breaks, .lnode.effect-review, .lnode.effect-type_changes").first()).toBeAttached();
  await inspect(page, testInfo, "lineage");
});

test("a finding is waived until a date, and its history says so", async ({ page }) => {
  await page.goto("/login");
  await logIn(page, STEWARD);
  await page.goto("/findings");
  const rows = page.locator("table.findings tbody tr");
  await expect(rows.first()).toBeVisible();
  const id = await rows.last().getAttribute("data-finding");
  await page.getByLabel(`Pick finding ${id}`).check();
  await page.getByLabel("Reason").fill("accepted until the migration");
  await page.getByLabel("Waived until").fill("2031-01-31");
  await page.getByRole("button", { name: "Waive" }).click();
  await page.getByLabel("Status").selectOption("waived");
  const row = page.locator(`tr[data-finding="${id}"]`);
  await expect(row).toContainText("waived");
  await expect(row).toContainText(new Date("2031-01-31").toLocaleDateString());
  await row.getByRole("button", { name: "history" }).click();
  await expect(page.getByRole("list", { name: `History of finding ${id}` })).toContainText("waived by web-steward: accepted until the migration");
});

test("policies with their SQL, and cost by table, user and team", async ({ page }, testInfo) => {
  await page.goto("/login");
  await logIn(page, STEWARD);
  await page.getByRole("link", { name: "Policies" }).click();
  await expect(page.getByRole("heading", { name: "Policies" })).toBeVisible();
  const first = page.locator("table.rows tbody tr").first().getByRole("button");
  await first.click();
  await expect(page.locator("pre.sql").first()).toContainText(/SELECT/i);
  // Checking a file is for admins.
  await expect(page.getByRole("heading", { name: "Check a policy file" })).toHaveCount(0);
  await inspect(page, testInfo, "policies");

  await page.getByRole("link", { name: "Cost" }).click();
  await expect(page.getByRole("heading", { name: "Cost", exact: true })).toBeVisible();
  await expect(page.getByText(/a month: storage/)).toBeVisible();
  await expect(page.getByRole("region", { name: "By user" }).locator("tr").first()).toBeVisible();
  await expect(page.locator("table.rows").last().locator("tbody tr").first()).toBeVisible();
  await inspect(page, testInfo, "cost");
});

test("a question answered live by the local model, its citation followed", async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  await page.goto("/login");
  await logIn(page, VIEWER);
  await page.getByRole("link", { name: "Ask" }).click();
  await page.getByLabel("Question").fill("Which columns of raw.customers are sensitive?");
  await page.getByRole("button", { name: "Ask", exact: true }).click();
  await expect(page.getByRole("list", { name: "Steps" })).toContainText("looked up", { timeout: 60_000 });
  const answer = page.getByRole("region", { name: "Answer" });
  await expect(answer).toBeVisible({ timeout: 200_000 });
  await expect(answer.locator(".answer")).not.toBeEmpty();
  await inspect(page, testInfo, "ask");
  // Every citation was checked against the catalog: following one opens its table.
  const citations = answer.locator("a.citation");
  if ((await citations.count()) > 0) {
    const cited = (await citations.first().textContent()) ?? "";
    await citations.first().click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText(cited.split(".").slice(-2)[0]);
  } else {
    await expect(answer).toContainText("The catalog does not tell");
  }
});

test("an admin adds a source and scans it with live progress", async ({ page }, testInfo) => {
  await page.goto("/login");
  await logIn(page, ADMIN);
  await page.getByRole("link", { name: "Sources" }).click();
  await expect(page.getByRole("heading", { name: "Sources and tasks" })).toBeVisible();
  await page.getByLabel("Name").fill("app_copy");
  await page.getByLabel("URL").fill(`sqlite://${process.env.WAREHOUSE}/app.db`);
  await page.getByRole("button", { name: "Add" }).click();
  await expect(page.getByText("Added app_copy")).toBeVisible();
  await page.getByRole("button", { name: "Scan app_copy now" }).click();
  const progress = page.getByRole("region", { name: "Progress" });
  await expect(progress).toContainText("source started · source app_copy");
  await expect(progress).toContainText("scan succeeded", { timeout: 60_000 });
  await expect(page.locator("tr", { hasText: "app_copy" }).first()).not.toContainText("never");
  await inspect(page, testInfo, "sources");
  // A bad URL is refused in words, nothing added.
  await page.getByLabel("Name").fill("broken");
  await page.getByLabel("URL").fill("sqlite:///no/such/file.db");
  await page.getByRole("button", { name: "Add" }).click();
  await expect(page.getByRole("alert")).toContainText(/no\/such\/file\.db|not/i);
});

test("an admin schedules a job and runs one now; the server's worker runs it", async ({ page }, testInfo) => {
  await page.goto("/login");
  await logIn(page, ADMIN);
  await page.getByRole("link", { name: "Jobs" }).click();
  await expect(page.getByRole("heading", { name: "Jobs" })).toBeVisible();
  const form = page.getByRole("form", { name: "New schedule" });
  await form.getByLabel("Name").fill("nightly-check");
  await form.getByLabel("Kind").selectOption("check");
  await form.getByLabel("Cron").fill("0 2 * * *");
  await form.getByLabel("Time zone").fill("Europe/Paris");
  await form.getByRole("button", { name: "Add schedule" }).click();
  const schedule = page.locator('tr[data-schedule="nightly-check"]');
  await expect(schedule).toContainText("Europe/Paris");
  await expect(schedule).toContainText("the API");
  // A bad expression is refused in words.
  await form.getByLabel("Name").fill("broken");
  await form.getByLabel("Cron").fill("61 * * * *");
  await form.getByRole("button", { name: "Add schedule" }).click();
  await expect(form.getByRole("alert")).toContainText("cron expression `61 * * * *`");

  const run = page.getByRole("form", { name: "Run now" });
  await run.getByLabel("Job").selectOption("check");
  await run.getByRole("button", { name: "Queue it" }).click();
  const queued = await run.getByText(/Queued: #\d+/).textContent();
  const id = queued!.match(/#(\d+)/)![1];
  const row = page.locator(`tr[data-job="${id}"]`);
  await expect(row).toContainText("succeeded", { timeout: 60_000 });
  await row.getByRole("button", { name: "log" }).click();
  await expect(page.getByRole("list", { name: `Log of job ${id}` })).toContainText("succeeded in");
  await inspect(page, testInfo, "jobs");
});

test("a viewer gets no steward or admin controls on any page", async ({ page }) => {
  await page.goto("/login");
  await logIn(page, VIEWER);
  await page.goto("/tables/raw.orders");
  await expect(page.getByRole("heading", { name: "raw.orders" })).toBeVisible();
  await expect(page.getByRole("button", { name: /Edit owner/ })).toHaveCount(0);
  await page.goto("/sources");
  await expect(page.getByRole("heading", { name: "Sources and tasks" })).toBeVisible();
  await expect(page.getByRole("button", { name: /Scan|Check the policies|Remove/ })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Add a source" })).toHaveCount(0);
  await page.goto("/ask");
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await page.goto("/jobs");
  await expect(page.getByRole("heading", { name: "Jobs" })).toBeVisible();
  await expect(page.getByRole("button", { name: /Queue it|Add schedule|Turn off|Remove/ })).toHaveCount(0);
  // The API refuses them anyway.
  const refused = await page.evaluate(async () => {
    const r = await fetch("/api/v1/scans", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    return r.status;
  });
  expect(refused).toBe(403);
  const jobRefused = await page.evaluate(async () => {
    const r = await fetch("/api/v1/jobs", { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"kind": "noop"}' });
    return r.status;
  });
  expect(jobRefused).toBe(403);
});
