import { expect, test } from "@playwright/test";
import { inspect, logIn, STEWARD, VIEWER } from "./helpers";

test("a page asked for logged out opens after the login", async ({ page }) => {
  await page.goto("/findings?severity=medium");
  await expect(page).toHaveURL(/\/login\?next=/);
  await logIn(page, STEWARD);
  await expect(page).toHaveURL(/\/findings\?severity=medium$/);
  await expect(page.getByRole("heading", { name: "Findings" })).toBeVisible();
  await expect(page.getByLabel("Severity")).toHaveValue("medium");
});

test("a wrong password is refused in words", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("User").fill(STEWARD.user);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toContainText(/password/i);
  await expect(page).toHaveURL(/\/login/);
});

test("home, search with facets, and a sensitive column's evidence and decision", async ({ page }, testInfo) => {
  await page.goto("/login");
  await logIn(page, STEWARD);
  await expect(page.getByRole("heading", { name: "Open findings" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Sensitive columns awaiting a steward" })).toBeVisible();
  await inspect(page, testInfo, "home");

  // `/` focuses the search box.
  await page.keyboard.press("/");
  await expect(page.getByLabel("Search")).toBeFocused();
  await page.keyboard.type("customer email");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/search\?q=customer/);
  const hits = page.locator("ol.hits > li");
  await expect(hits.first()).toBeVisible();
  await expect(page.locator("ol.hits mark").first()).toBeVisible();
  // Narrow to columns with the kind facet: every hit is then a column.
  await page.getByRole("group", { name: "kind" }).getByRole("checkbox", { name: /^column \d+$/ }).check();
  await expect(page).toHaveURL(/kind=column/);
  await expect(hits.first()).toBeVisible();
  const kinds = await page.locator("ol.hits .kind").allTextContents();
  expect(kinds.length).toBeGreaterThan(0);
  expect(new Set(kinds)).toEqual(new Set(["column"]));
  await inspect(page, testInfo, "search");

  // The table page: the e-mail column's label, its evidence, a steward's decision.
  await page.goto("/tables/raw.customers");
  await expect(page.getByRole("heading", { name: "raw.customers" })).toBeVisible();
  const label = page.getByRole("button", { name: /EMAIL_ADDRESS/ }).first();
  await expect(label).toBeVisible();
  await label.click();
  await expect(page.getByText("Why:")).toBeVisible();
  await inspect(page, testInfo, "table");
  await page.getByRole("button", { name: "Confirm EMAIL_ADDRESS" }).click();
  await expect(page.getByRole("button", { name: /EMAIL_ADDRESS 100% · steward/ }).first()).toBeVisible();
  // No value of the column is on the page.
  await expect(page.locator("body")).not.toContainText("@example.");
  // The decision persists: it is the catalog's, not the page's.
  await page.reload();
  await expect(page.getByRole("button", { name: /EMAIL_ADDRESS 100% · steward/ }).first()).toBeVisible();
});

test("findings are acknowledged in bulk with a reason", async ({ page }, testInfo) => {
  await page.goto("/login");
  await logIn(page, STEWARD);
  await page.getByRole("link", { name: "Findings" }).click();
  const rows = page.locator("table.findings tbody tr");
  await expect(rows.first()).toBeVisible();
  await inspect(page, testInfo, "findings");
  const first = await rows.nth(0).getAttribute("data-finding");
  const second = await rows.nth(1).getAttribute("data-finding");
  await page.getByLabel(`Pick finding ${first}`).check();
  await page.getByLabel(`Pick finding ${second}`).check();
  await page.getByLabel("Reason").fill("checked in the browser");
  await page.getByRole("button", { name: "Acknowledge" }).click();
  await page.getByLabel("Status").selectOption("acknowledged");
  for (const id of [first, second]) {
    const row = page.locator(`tr[data-finding="${id}"]`);
    await expect(row).toContainText("acknowledged");
    await expect(row).toContainText("checked in the browser");
  }
});

test("a viewer sees no decisions to make, and logs out", async ({ page }) => {
  await page.goto("/login");
  await logIn(page, VIEWER);
  await page.goto("/tables/raw.customers");
  await page.getByRole("button", { name: /EMAIL_ADDRESS/ }).first().click();
  await expect(page.getByText("Why:")).toBeVisible();
  await expect(page.getByRole("button", { name: /Confirm/ })).toHaveCount(0);
  await page.goto("/findings");
  await expect(page.getByRole("button", { name: "Acknowledge" })).toHaveCount(0);
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
});
