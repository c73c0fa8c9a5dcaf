import type { ThirdPartyConnection } from '../third-party/connection.ts';
import type { ArmedFault } from '../third-party/faults.ts';
import type { Policy } from '../third-party/policy.ts';
import { renderFaultsSection } from './faults-section.ts';
import { field } from './fields.ts';
import { html, type SafeHtml, unsafeRaw } from './html.ts';
import { renderPolicySection } from './policy-section.ts';
import { consoleStyles } from './styles.ts';

/** What the page needs from the server when it is rendered. */
export interface ThirdPartyPageInput {
  /** The simulator's own address as the browser reached it, such as `http://127.0.0.1:8788`. */
  origin: string;
  /** The saved connection with its secrets already masked, if there is one. */
  connection: ThirdPartyConnection | undefined;
  policy: Policy;
  faults: ArmedFault[];
}

/**
 * The third-party approver's console: where to point Signoff, the connection form, the policy,
 * the faults, and the approvals, which the page's scripts (served from `/console/`) keep current
 * by polling the JSON API. Every label and button name here is relied on by end-to-end tests;
 * change them together.
 */
export function renderThirdPartyPage(input: ThirdPartyPageInput): string {
  const { origin, connection } = input;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Third-party approver · Signoff simulator</title>
<link rel="icon" href="data:,">
<style>${unsafeRaw(consoleStyles)}</style>
<script type="module" src="/console/main.js"></script>
</head>
<body>
<header>
  <p class="eyebrow">Signoff simulator</p>
  <h1>Third-party approver</h1>
  <p>Stands in for an "Other" approval system. In Signoff's approval settings, set the
  <strong>Submit Approval Request URL</strong> to
  <code id="submit-url">${origin}/third-party</code>, then copy that configuration's values
  into the form below.</p>
</header>
<main>
  <section aria-labelledby="connection-heading">
    <h2 id="connection-heading">Connection</h2>
    <form id="connection-form" novalidate>
      ${field('callbackUrl', 'Callback URL', connection?.callbackUrl ?? '', {
        type: 'url',
        hint: 'Signoff’s …/api/oa/bpms/integration/thirdparty/callback address.',
      })}
      ${secretField('accessToken', 'Access Token', connection?.accessToken)}
      ${secretField('encodingAesKey', 'Encoding AES Key', connection?.encodingAesKey)}
      ${field('tenantId', 'Tenant ID', connection?.tenantId ?? '', {
        hint: 'Shown read-only on the Other configuration in Signoff.',
      })}
      <button type="submit">Save connection</button>
      <p id="connection-status" role="status"></p>
    </form>
  </section>

  ${renderPolicySection(input.policy)}

  <section aria-labelledby="pending-heading">
    <h2 id="pending-heading">Pending approvals</h2>
    <div class="field">
      <label for="approver-name">Approver name</label>
      <input id="approver-name" name="approver" value="Simulator Approver" autocomplete="off">
    </div>
    <p id="pending-empty">No pending approvals. Submit a request in Signoff and it appears here.</p>
    <div id="pending-list"></div>
  </section>

  <section aria-labelledby="decided-heading">
    <h2 id="decided-heading">Decided</h2>
    <p id="decided-empty">Nothing decided yet.</p>
    <div id="decided-list"></div>
  </section>

  ${renderFaultsSection(input.faults)}
  <p id="poll-status" role="status"></p>
</main>
</body>
</html>
`;
  return page.value;
}

/** A secret is never put back into the form; the hint says one is saved and how to keep it. */
function secretField(name: string, label: string, masked: string | undefined): SafeHtml {
  return field(name, label, '', {
    hint: masked ? `Saved (${masked}). Leave empty to keep it.` : 'Required.',
  });
}
