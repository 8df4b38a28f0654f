// French dates and French validation for the forms of the web till and of the
// dashboard (served by both: common/web embeds this folder next to each page's
// own files). The browser's own checks speak the browser's language ("Please
// fill out this field.", mm/dd/yyyy on an English browser): every form gets
// novalidate, and this module checks it on submit instead, in French.
//
//   installFrenchForms(document, { except: ['pay-form'] });  // once, at start
//   ...
//   const day = dayOf($('ref-end'));                         // '2026-11-25', or ''
//
// What a field asks is said in its markup, the browser's attributes read here:
//   required                      not empty (a <select>: a choice whose value is not '';
//                                 a checkbox: ticked, its message after its <label>)
//   data-type="date"              a day (see parseFrenchDay); the API's YYYY-MM-DD from dayOf()
//   data-type="whole" min= max=   a whole number, within min and max when given
//                                 (so is a type="number" field)
//   data-type="euros"             an amount: 60, 60,5, 60,50 €
//   data-type="year"              a birth year, 1900 to this year
//   pattern= data-pattern-message= the pattern, and what to say when it is not met
//   minlength=                    at least that many characters
//   data-same-as="other-id"       the same text as field other-id (a password typed twice)
// An empty optional field is never wrong. A wrong field gets its message in a
// <p class="field-error"> right after it, aria-invalid="true" and
// aria-describedby naming the message; the first wrong field gets the focus and
// the submit event stops there: the form's own handler never runs, nothing is sent.

// ---------- days ----------

const pad = (n) => String(n).padStart(2, '0');

// A day as typed by a French volunteer, as 'YYYY-MM-DD'; null if it is not a
// day. Accepted: 25/11/2026, 25/11/26 (20xx), 25-11-2026, 25.11.2026,
// 25 11 2026, 5/1/2026, 25112026, 251126, and the API's own 2026-11-25.
export function parseFrenchDay(text) {
  const clean = String(text).trim();
  let parts = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(clean);
  if (parts) parts = [parts[3], parts[2], parts[1]];
  else parts = (/^(\d{1,2})[/.\- ]+(\d{1,2})[/.\- ]+(\d{2}|\d{4})$/.exec(clean) ||
    /^(\d{2})(\d{2})(\d{2}|\d{4})$/.exec(clean) || []).slice(1);
  if (parts.length !== 3) return null;
  const [day, month] = parts.map(Number);
  const year = Number(parts[2].length === 2 ? `20${parts[2]}` : parts[2]);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

// 'YYYY-MM-DD' as '25/11/2026'.
export const frenchDayText = (day) => (day ? day.split('-').reverse().join('/') : '');

// The day a date field holds, as 'YYYY-MM-DD'; '' when it is empty, null when
// it is not a day (checkForm refuses it before).
export function dayOf(input) {
  return input.value.trim() ? parseFrenchDay(input.value) : '';
}

// Shows `day` ('YYYY-MM-DD', or '') in a date field.
export function setDay(input, day) { input.value = frenchDayText(day); }

// ---------- the checks ----------

const plural = (n, word) => `${n} ${word}${n > 1 ? 's' : ''}`;

function wholeProblem(text, input) {
  const min = input.getAttribute('min');
  const max = input.getAttribute('max');
  const range = min !== null && max !== null ? `de ${min} à ${max}`
    : min !== null ? `d'au moins ${min}` : max !== null ? `d'au plus ${max}` : '';
  const expected = `Un nombre entier ${range} est attendu, sans virgule (par exemple ${min === null ? 12 : Math.max(Number(min), 1)}).`;
  if (!/^\d+$/.test(text)) return expected;
  const value = Number(text);
  if ((min !== null && value < Number(min)) || (max !== null && value > Number(max))) return expected;
  return '';
}

// What is wrong with `input`'s value, in French; '' when nothing is.
export function problemOf(input) {
  if (input.type === 'checkbox') return input.required && !input.checked ? 'À cocher : c\'est obligatoire.' : '';
  const text = input.value.trim();
  if (!text) {
    if (!input.required) return '';
    return input.tagName === 'SELECT' ? 'Choisissez dans la liste.' : 'À remplir : ce champ est obligatoire.';
  }
  const type = input.dataset.type;
  if (type === 'date' && !parseFrenchDay(text)) {
    return 'Date à écrire jour/mois/année, par exemple 25/11/2026.';
  }
  if (type === 'whole' || input.type === 'number') return wholeProblem(text, input);
  if (type === 'euros' && !/^\d+([.,]\d{1,2})?$/.test(text.replace(/€/g, '').replace(/\s/g, ''))) {
    return 'Montant en euros attendu, par exemple 60 ou 60,50.';
  }
  if (type === 'year') {
    const thisYear = new Date().getFullYear();
    if (!/^\d{4}$/.test(text) || Number(text) < 1900 || Number(text) > thisYear) {
      return `Année sur 4 chiffres, de 1900 à ${thisYear}, par exemple 1985.`;
    }
  }
  const pattern = input.getAttribute('pattern');
  if (pattern && !new RegExp(`^(?:${pattern})$`).test(text)) {
    return input.dataset.patternMessage || 'Ce qui est écrit n\'a pas la forme attendue.';
  }
  const minLength = Number(input.getAttribute('minlength') || 0);
  if (input.value.length < minLength) return `Au moins ${plural(minLength, 'caractère')} (il y en a ${input.value.length}).`;
  const same = input.dataset.sameAs && input.ownerDocument.getElementById(input.dataset.sameAs);
  if (same && same.value !== input.value) return 'Les deux ne sont pas identiques : retapez-les.';
  return '';
}

// ---------- showing what is wrong ----------

const errorIdOf = (input) => `${input.id || input.name}-error`;

export function clearFieldError(input) {
  const box = input.ownerDocument.getElementById(errorIdOf(input));
  if (box) box.remove();
  input.removeAttribute('aria-invalid');
  const described = (input.getAttribute('aria-describedby') || '').split(' ')
    .filter((id) => id && id !== errorIdOf(input));
  if (described.length) input.setAttribute('aria-describedby', described.join(' '));
  else input.removeAttribute('aria-describedby');
}

// Shows `text` next to `input` (replacing what was said before), as its error.
export function showFieldError(input, text) {
  clearFieldError(input);
  const box = input.ownerDocument.createElement('p');
  box.id = errorIdOf(input);
  box.className = 'field-error';
  box.textContent = text;
  // A checkbox sits inside its label: the message goes after the label.
  (input.type === 'checkbox' && input.closest('label') ? input.closest('label') : input).after(box);
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby',
    [input.getAttribute('aria-describedby'), box.id].filter(Boolean).join(' '));
}

// Checks every field of `form`; shows each problem next to its field, puts the
// focus on the first. Returns whether the form may be sent.
export function checkForm(form) {
  let first = null;
  for (const input of form.elements) {
    if (!['INPUT', 'SELECT', 'TEXTAREA'].includes(input.tagName) || input.disabled) continue;
    if (['radio', 'hidden', 'submit', 'button'].includes(input.type)) continue;
    const problem = problemOf(input);
    if (problem) showFieldError(input, problem);
    else clearFieldError(input);
    if (problem && !first) first = input;
  }
  if (first) first.focus();
  return !first;
}

// ---------- installing ----------

// Gives every form under `root` (but those whose ids are in `except`)
// novalidate and the checks above, before its own submit handler; gives date
// fields their French shape (typed as text: Tab leaves them like any field)
// and writes a typed day back as 25/11/2026 when the field is left.
export function installFrenchForms(root, { except = [] } = {}) {
  const ours = (form) => form && form.tagName === 'FORM' && !except.includes(form.id);
  for (const form of root.querySelectorAll('form')) if (ours(form)) form.noValidate = true;
  for (const input of root.querySelectorAll('input[data-type=date]')) {
    input.inputMode = 'numeric';
    input.autocomplete = 'off';
    if (!input.placeholder) input.placeholder = 'jj/mm/aaaa';
    input.addEventListener('blur', () => {
      const day = parseFrenchDay(input.value);
      if (day) setDay(input, day);
    });
  }
  // Capturing at the root runs before the form's own handler; a problem stops
  // the event there.
  root.addEventListener('submit', (event) => {
    const form = event.target;
    if (!ours(form) || (event.submitter && event.submitter.formNoValidate)) return;
    if (checkForm(form)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
  }, true);
  // A field being corrected loses its error as soon as it is changed.
  root.addEventListener('input', (event) => {
    if (event.target.getAttribute && event.target.getAttribute('aria-invalid')) clearFieldError(event.target);
  }, true);
  root.addEventListener('change', (event) => {
    if (event.target.getAttribute && event.target.getAttribute('aria-invalid')) clearFieldError(event.target);
  }, true);
}
