import { test, expect, Page } from '@playwright/test';
import { hydrated, linkTo, signUp, smtpApi, totp } from './helpers';

/** Collects the browser's Content-Security-Policy complaints, which must stay empty. */
function watchPolicy(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (msg) => {
    if (msg.text().includes('Content Security Policy')) violations.push(msg.text());
  });
  return violations;
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Vox' })).toBeVisible();
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('two-factor sign-in is set up with an authenticator code and then asked at every sign-in', async ({ page }) => {
  test.skip(!smtpApi, 'needs the SMTP sink that .ci/e2e.sh starts (VOX_E2E_SMTP_API)');
  const violations = watchPolicy(page);
  const email = await signUp(page, 'Two Factor Co');
  await page.goto('/dashboard/profile');
  await hydrated(page);
  // First the address is proven with the link that sign-up emailed.
  await expect(page.getByText(/First confirm your email address/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Set up two-factor sign-in' })).toHaveCount(0);
  await page.goto(await linkTo(page.request, email, '/confirm-email/'));
  await hydrated(page);
  await page.getByRole('button', { name: 'Confirm my address' }).click();
  await expect(page.getByText('Your address is confirmed. Thank you.')).toBeVisible();
  await page.getByRole('link', { name: 'Go to your profile' }).click();
  await hydrated(page);
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const secret = (await page.locator('code.token-value').innerText()).trim();
  await page.getByLabel('Then enter the 6-digit code it shows').fill(totp(secret));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.first().innerText()).trim();
  await expect(page.getByText('On', { exact: true })).toBeVisible();

  // The password alone is not enough any more.
  await signOut(page);
  await signIn(page, email, 'a long enough password');
  await expect(page.getByRole('heading', { name: 'Two-factor sign-in' })).toBeVisible();
  expect(page.url()).toContain('/login/verify');
  await hydrated(page);
  await page.getByLabel('Code').fill('000000' === totp(secret, Date.now() + 30_000) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByText('That code is not right, or was used already.')).toBeVisible();
  await page.getByLabel('Code').fill(totp(secret, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: 'Surveys' })).toBeVisible();

  // A recovery code works when the phone is lost.
  await signOut(page);
  await signIn(page, email, 'a long enough password');
  await hydrated(page);
  await page.getByLabel('Code').fill(recovery);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: 'Surveys' })).toBeVisible();

  // Both show in the audit log, which filters by action.
  await page.goto('/dashboard/audit?action=two_factor.enabled');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await expect(page.getByRole('cell', { name: /Turned on two-factor sign-in/ })).toHaveCount(1);
  await expect(page.getByRole('cell', { name: /Signed in/ })).toHaveCount(0);
  await page.getByLabel('Action').selectOption('sign_in.succeeded');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByRole('cell', { name: /^Signed in/ }).first()).toBeVisible();
  expect(violations, violations.join('\n')).toEqual([]);
});

test('a forgotten password is reset through the emailed link, which ends every session', async ({ page, browser }) => {
  test.skip(!smtpApi, 'needs the SMTP sink that .ci/e2e.sh starts (VOX_E2E_SMTP_API)');
  const email = await signUp(page, 'Forgetful Co');
  const other = await browser.newContext();
  const stranger = await other.newPage();
  await stranger.goto('/forgot-password');
  await hydrated(stranger);
  await stranger.getByLabel('Email').fill(email);
  await stranger.getByRole('button', { name: 'Email me a link' }).click();
  await expect(stranger.getByText(/If that address has a Vox account/)).toBeVisible();

  const link = await linkTo(stranger.request, email, '/reset-password/');
  await stranger.goto(link);
  await hydrated(stranger);
  await stranger.getByLabel(/New password/).fill('a freshly chosen password');
  await stranger.getByRole('button', { name: 'Set password' }).click();
  await expect(stranger.getByText('Your password is set. You are signed out everywhere.')).toBeVisible();

  // The earlier session ended; the new password signs in.
  await page.goto('/dashboard');
  await expect(page.getByRole('heading', { name: 'Sign in to Vox' })).toBeVisible();
  await signIn(page, email, 'a freshly chosen password');
  await expect(page.getByRole('heading', { name: 'Surveys' })).toBeVisible();
  await other.close();
});
