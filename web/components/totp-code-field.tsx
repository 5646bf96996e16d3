import { TextField } from "./text-field.js";

/** A 6-digit one-time code input that phones and password managers recognise. */
export function TotpCodeField({ id, label, value, onValueChange }: { id: string; label: string; value: string; onValueChange(value: string): void }) {
  return (
    <TextField
      id={id}
      label={label}
      value={value}
      onValueChange={(next) => onValueChange(next.replace(/\D/g, "").slice(0, 6))}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="\d{6}"
      maxLength={6}
      required
      autoFocus
    />
  );
}
