// Registers every Signoff element. Pages that use only some import their own entries instead,
// for example `./approval-settings/define.ts`.
import './approval-settings/define.ts';
