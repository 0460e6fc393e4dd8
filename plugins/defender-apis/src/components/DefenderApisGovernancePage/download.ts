/** How long the blob URL outlives the click. */
const REVOKE_AFTER_MS = 30_000;

/**
 * Saves text as a file through a temporary `<a download>` link: the browser's own download,
 * no new window, no server round trip.
 */
export function downloadText(
  fileName: string,
  text: string,
  type = 'text/csv;charset=utf-8',
): void {
  // A byte order mark makes spreadsheets read the UTF-8 as UTF-8.
  const blob = new Blob(['\uFEFF', text], { type });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.appendChild(link);
  try {
    link.click();
  } finally {
    link.remove();
    // Some browsers read the blob after click() returns; let go of it a little later.
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  }
}
