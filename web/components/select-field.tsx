interface SelectFieldProps<T extends string> {
  id: string;
  label: string;
  value: NoInfer<T> | "";
  options: ReadonlyArray<{ value: T; label: string }>;
  /** Shown as an empty first choice when the field has no default. */
  placeholder?: string;
  required?: boolean;
  onValueChange(value: NoInfer<T>): void;
}

/** A labelled <select>; `id` doubles as the data-testid. */
export function SelectField<const T extends string>({ id, label, value, options, placeholder, required, onValueChange }: SelectFieldProps<T>) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} data-testid={id} value={value} required={required} onChange={(event) => onValueChange(event.target.value as T)}>
        {placeholder !== undefined ? (
          <option value="" disabled>
            {placeholder}
          </option>
        ) : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
