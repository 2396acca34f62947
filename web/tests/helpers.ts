import { expect, type Page, type TestInfo } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

export const STEWARD = { user: "web-steward", password: process.env.STEWARD_PASSWORD ?? "" };
export const VIEWER = { user: "web-viewer", password: process.env.VIEWER_PASSWORD ?? "" };
export const ADMIN = { user: "web-admin", password: process.env.ADMIN_PASSWORD ?? "" };

/** Logs in on the login page the browser is on. */
export async function logIn(page: Page, who: { user: string; password: string }) {
  await page.getByLabel("User").fill(who.user);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/**
 * The page as it stands: a screenshot kept as a test artifact, and the
 * accessibility rules axe-core checks (labels, names, contrast, ...), none
 * broken at the serious or critical level.
 */
export async function inspect(page: Page, info: TestInfo, name: string) {
  await page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`),
    `accessibility of ${name}`,
  ).toEqual([]);
}
