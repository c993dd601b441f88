// Ticks rows in a multi-select quick pick that a palette command opens (Compare Runs), as a person
// would: one click per row. On a loaded CI machine the picker was seen to close between showing its
// rows and the click (the click then waited 30 s on a hidden row); a person would simply open it again,
// and so does this, logging what held the keyboard when it closed so the cause shows in CI's log.
import type { Page } from 'playwright-core';
import { runCommand, waitFor } from './codeServer';

/** What has the keyboard in the workbench: tag, class and title of document.activeElement. */
function activeElement(page: Page): Promise<string> {
  return page.evaluate(() => {
    const a = document.activeElement as HTMLElement | null;
    return a ? `${a.tagName.toLowerCase()}.${String(a.className).slice(0, 60)} "${a.getAttribute('title') ?? a.getAttribute('aria-label') ?? ''}"` : 'nothing';
  });
}

/** Runs `command`, ticks the row holding each of `rows`, and leaves the picker open for the caller. */
export async function tickInQuickPick(page: Page, command: string, rows: string[], timeoutMs = 60_000): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    await runCommand(page, command);
    try {
      for (const text of rows) {
        const row = widget.locator('.monaco-list-row', { hasText: text }).first();
        await row.waitFor({ timeout: 20_000 });
        // In a multi-select quick pick a click on the row ticks its box.
        await row.click({ timeout: 5_000 });
        await waitFor(async () => ((await row.getAttribute('aria-checked')) === 'true' ? true : undefined), 5_000, `"${text}" ticked`);
      }
      return;
    } catch (err) {
      const open = await widget.isVisible();
      process.stderr.write(`[e2e] ${command}: try ${attempt} failed (picker ${open ? 'open' : 'closed'}, keyboard on ${await activeElement(page)}): ${(err as Error).message.split('\n')[0]}\n`);
      if (Date.now() > deadline) throw err;
    }
  }
}
