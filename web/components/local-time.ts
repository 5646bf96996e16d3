const pad = (n: number) => String(n).padStart(2, "0");

/** `YYYY-MM-DD` in this browser's time zone (the clinic's), as a date input holds it. */
export function localDate(at: Date): string {
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/** `YYYY-MM-DDTHH:mm` in this browser's time zone, as a datetime-local input holds it. */
export function localMinute(at: Date): string {
  return `${localDate(at)}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}
