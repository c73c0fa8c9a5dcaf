import {
  type ArmedFault,
  DEFAULT_DELAY_SECONDS,
  FAULT_DESCRIPTIONS,
  FAULT_KINDS,
  type FaultKind,
} from '../third-party/faults.ts';
import { html, type SafeHtml } from './html.ts';

/**
 * One group per fault: how many calls to apply it to (empty: until cleared), its delay for a
 * delayed callback, Arm and Clear, and its state, which the script keeps current. Below, the log
 * of faults that fired.
 */
export function renderFaultsSection(armed: ArmedFault[]) {
  const groups = FAULT_KINDS.map((kind) =>
    faultGroup(
      kind,
      armed.find((fault) => fault.kind === kind),
    ),
  );
  return html`<section aria-labelledby="faults-heading">
    <h2 id="faults-heading">Faults</h2>
    <p>Each fault applies to the next calls you choose (decisions, for callback faults), or until
    cleared. What each one did shows in the instance’s callbacks and in the log below.</p>
    ${groups}
    <h3 id="fired-heading">Fired faults</h3>
    <p id="fired-empty">No fault has fired yet.</p>
    <ol id="fired-list" aria-labelledby="fired-heading"></ol>
  </section>`;
}

function faultGroup(kind: FaultKind, fault: ArmedFault | undefined): SafeHtml {
  const { label, description } = FAULT_DESCRIPTIONS[kind];
  const delay =
    kind === 'callback-delay'
      ? html`<div class="field">
          <label for="${kind}-delay">Delay (seconds)</label>
          <input id="${kind}-delay" name="delaySeconds" type="number" min="1" step="1"
            value="${fault?.delaySeconds ?? DEFAULT_DELAY_SECONDS}">
        </div>`
      : '';
  return html`<fieldset class="fault" data-fault="${kind}" aria-describedby="${kind}-description">
      <legend>${label}</legend>
      <p id="${kind}-description" class="hint">${description}</p>
      <div class="actions">
        <div class="field">
          <label for="${kind}-times">Times</label>
          <input id="${kind}-times" name="times" type="number" min="1" step="1"
            placeholder="until cleared">
        </div>
        ${delay}
        <button type="button" data-action="arm">Arm</button>
        <button type="button" data-action="clear">Clear</button>
      </div>
      <p class="fault-state" role="status">${fault ? 'Armed' : 'Off'}</p>
      <p class="fault-message error"></p>
    </fieldset>`;
}
