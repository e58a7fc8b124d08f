import { useEffect, useRef, type ReactNode } from 'react';

export const SERVICE_NAME = 'Prevent duty compliance';
let firstPage = true;

/**
 * The page's <h1> and document title ("Page – service", with "Error: " first while the page
 * shows errors, as GOV.UK does). After a navigation inside the app, focus moves to the
 * heading so screen readers announce the new page; on the very first page it stays put.
 */
export function PageTitle({ title, caption, hasErrors = false, children }: { title: string; caption?: string; hasErrors?: boolean; children?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${hasErrors ? 'Error: ' : ''}${title} – ${SERVICE_NAME}`;
  }, [title, hasErrors]);
  useEffect(() => {
    if (firstPage) {
      firstPage = false;
      return;
    }
    heading.current?.focus();
  }, []);
  return (
    <h1 className="govuk-heading-l" tabIndex={-1} ref={heading}>
      {caption && <span className="govuk-caption-l">{caption}</span>}
      {title}
      {children}
    </h1>
  );
}
