// Small helpers every part of the console page shares. Text from the server is only ever set
// with textContent or setAttribute, never parsed as markup: titles and names come from outside.

/** The simulator's JSON API for the third-party approver. */
export const api = '/third-party/api';

/** Creates an element, with its text when given. */
export function make(tag, text) {
  const element = document.createElement(tag);
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Sets text only when it changes, so a live region does not repeat itself every second. */
export function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

/** Sends JSON and reads the JSON reply; a network failure becomes `{success: false, message}`. */
export async function sendJson(method, url, body) {
  try {
    const response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return await response.json();
  } catch (error) {
    return { success: false, message: error.message };
  }
}

/**
 * Shows one message per field under it (`<name>-error`) and marks the field invalid; fields
 * without a message are cleared. Returns the first invalid field, to move focus there.
 */
export function showFieldErrors(form, names, fieldErrors) {
  let first;
  for (const name of names) {
    const message = fieldErrors[name] ?? '';
    document.getElementById(`${name}-error`).textContent = message;
    const input = form.elements.namedItem(name);
    if (message) {
      input.setAttribute('aria-invalid', 'true');
      first ??= input;
    } else {
      input.removeAttribute('aria-invalid');
    }
  }
  return first;
}

/** Calls `task` now and then every second, never running two at once. */
export function everySecond(task) {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await task();
    } finally {
      running = false;
    }
  };
  tick();
  setInterval(tick, 1000);
}
