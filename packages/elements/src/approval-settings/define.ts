// Registers <approval-settings> (and the configuration group it renders). Import this module, or
// `@signoff/elements/approval-settings.js`, once per page; importing it again is harmless.
import { ApprovalSettings } from './approval-settings.ts';
import { SignoffSystemForm } from './system-form.ts';

if (!customElements.get('signoff-system-form')) {
  customElements.define('signoff-system-form', SignoffSystemForm);
}
if (!customElements.get('approval-settings')) {
  customElements.define('approval-settings', ApprovalSettings);
}

declare global {
  interface HTMLElementTagNameMap {
    'approval-settings': ApprovalSettings;
    'signoff-system-form': SignoffSystemForm;
  }
}

export { ApprovalSettings };
