import { describePolicy, type Policy } from '../third-party/policy.ts';
import { field } from './fields.ts';
import { html, unsafeRaw } from './html.ts';

/**
 * The policy form, filled with the policy in force. Lists are typed comma-separated; the script
 * sends them as arrays. A rule is tested before the automatic approval, so both can be combined:
 * "reject L4, approve the rest after 5 s".
 */
export function renderPolicySection(policy: Policy) {
  const { rejectWhen } = policy;
  return html`<section aria-labelledby="policy-heading">
    <h2 id="policy-heading">Policy</h2>
    <p id="policy-summary" aria-live="polite">${describePolicy(policy)}</p>
    <form id="policy-form" novalidate>
      ${field(
        'approveAfterSeconds',
        'Approve automatically after (seconds)',
        String(policy.approveAfterSeconds ?? ''),
        {
          type: 'number',
          hint: 'Leave empty to wait for a person.',
          attributes: unsafeRaw(' min="0" step="1"'),
        },
      )}
      ${field(
        'sensitivityLevels',
        'Reject sensitivity levels',
        rejectWhen.sensitivityLevels.join(', '),
        {
          hint: 'Comma-separated, such as L4: the sensitivity field of the submit’s content.',
        },
      )}
      ${field('projects', 'Reject projects', rejectWhen.projects.join(', '), {
        hint: 'Comma-separated: the project field of the content.',
      })}
      ${field('permissions', 'Reject permissions', rejectWhen.permissions.join(', '), {
        hint: 'Comma-separated, such as read or export: the permission field of the content.',
      })}
      ${field('titlePattern', 'Reject titles matching', rejectWhen.titlePattern, {
        hint: 'A regular expression, ignoring case, such as ^export.',
      })}
      <button type="submit">Save policy</button>
      <p id="policy-status" role="status"></p>
    </form>
  </section>`;
}
