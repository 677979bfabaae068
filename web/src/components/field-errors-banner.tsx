/**
 * A form's failure above its fields, announced at once: a heading, then every field message that
 * no field of the form shows beside itself, as `field: message`.
 */

export function FieldErrorsBanner({
  show,
  title,
  errors,
  shown,
}: {
  /** Whether the form has a failure to show. */
  show: boolean;
  title: string | undefined;
  /** The API's (or the form's own) messages by field. */
  errors: Record<string, string>;
  /** The fields that show their own message. */
  shown: ReadonlySet<string>;
}) {
  const unshown = Object.entries(errors).filter(([k]) => !shown.has(k));
  return (
    <div aria-live="assertive">
      {show && (
        <div className="banner error" role="alert">
          <strong>{title}</strong>
          {unshown.length > 0 && (
            <ul>
              {unshown.map(([k, v]) => (
                <li key={k}>
                  {k}: {v}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
