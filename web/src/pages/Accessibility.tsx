import { PageTitle, SERVICE_NAME } from '../components/PageTitle';

export default function Accessibility() {
  return (
    <>
      <PageTitle title="Accessibility statement" />
      <p className="govuk-body">
        {SERVICE_NAME} is built to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA, as the Public Sector Bodies (Websites and
        Mobile Applications) (No. 2) Accessibility Regulations 2018 require. It uses the GOV.UK Design System's tested components and patterns.
      </p>
      <h2 className="govuk-heading-m">How we test</h2>
      <p className="govuk-body">
        Every page the automated browser tests visit is checked with axe-core for WCAG 2.2 A and AA failures, and the tests operate the service by
        keyboard. Statuses are shown in words as well as colour.
      </p>
      <h2 className="govuk-heading-m">Reporting a problem</h2>
      <p className="govuk-body">If you find a part of this service hard to use, tell your partnership's Prevent coordinator, who will pass it to us.</p>
    </>
  );
}
