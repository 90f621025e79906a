// Buttons that copy a text or download a file made in the browser (no request to any server).
import {html} from "htl";

/** Copy text to the clipboard; falls back to a hidden textarea where the API is refused. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = html`<textarea style="position:fixed;opacity:0" readonly></textarea>`;
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

/** CopyButton(text, {label}): a button that copies `text` and says so. */
export function CopyButton(text, {label = "Copier", title = `Copier « ${text} »`} = {}) {
  const button = html`<button type="button" class="copy-button" title=${title} data-copy=${text}>${label}</button>`;
  button.onclick = async () => {
    const ok = await copyText(text);
    button.textContent = ok ? "Copié ✓" : "Copie impossible";
    setTimeout(() => (button.textContent = label), 1500);
  };
  return button;
}

/** DownloadButton(makeText, {label, filename, type}): builds the file only when clicked. */
export function DownloadButton(makeText, {label, filename, type = "text/csv;charset=utf-8"}) {
  const button = html`<button type="button" class="download-button">${label}</button>`;
  button.onclick = () => {
    const url = URL.createObjectURL(new Blob([makeText()], {type}));
    const a = html`<a href=${url} download=${filename} hidden></a>`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return button;
}
