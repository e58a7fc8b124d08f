import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { Conflict } from '../../../components/Conflict';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Textarea } from '../../../components/fields';
import { messageFor } from '../../../components/forms';
import { PageTitle } from '../../../components/PageTitle';
import { Button } from '../../../components/ui';
import {
  NARRATIVE_SECTIONS, SignOffWarning, StatementTaskPage, useStatementTask,
  type Content, type StatementPageContext, type Statement,
} from './statement-common';
import './statement.css';

type Section = (typeof NARRATIVE_SECTIONS)[number];

/** One narrative section of the statement, in the authority's own words. */
export default function NarrativePage() {
  const { section = '' } = useParams();
  const found = NARRATIVE_SECTIONS.find((s) => s.key === section);
  return (
    <StatementTaskPage title={() => found?.label ?? 'Narrative'}>
      {(ctx) =>
        found ? (
          <NarrativeForm key={found.key} ctx={ctx} section={found} />
        ) : (
          <>
            <PageTitle title="Page not found" />
            <p className="govuk-body">The statement has no narrative section called “{section}”.</p>
          </>
        )
      }
    </StatementTaskPage>
  );
}

function NarrativeForm({ ctx, section }: { ctx: StatementPageContext; section: Section }) {
  const { year } = ctx;
  const textOf = (s: Statement) => s.narrative?.[section.key] ?? '';
  const [text, setText] = useState(() => textOf(ctx.statement));
  const path = `narrative.${section.key}`;

  const change = (content: Content): Content => {
    const narrative = { ...content.narrative };
    if (text.trim()) narrative[section.key] = text.trim();
    else delete narrative[section.key];
    return { ...content, narrative };
  };
  const { base, setBase, save, form, theirs, setTheirs, send } = useStatementTask(ctx, { change, flash: `${section.label} saved`, holds: (current) => textOf(current) === text.trim() });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTheirs(null);
    send(base);
  };

  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <ErrorSummary errors={form.errors.map((e) => (e.path.startsWith(path) ? { ...e, path } : e))} />
        {theirs && (
          <Conflict
            what={section.label.toLowerCase()}
            fields={[{ key: 'text', label: section.label }]}
            yours={{ text: text.trim() }}
            theirs={{ text: textOf(theirs) }}
            pending={save.isPending}
            onKeepMine={() => {
              setBase(theirs);
              send(theirs);
            }}
            onUseTheirs={() => {
              setText(textOf(theirs));
              setBase(theirs);
              setTheirs(null);
              form.clear();
            }}
          />
        )}
        <PageTitle title={section.label} caption={`${ctx.authorityName}: statement ${year}`} hasErrors={form.errors.length > 0 || !!theirs} />
        <SignOffWarning statement={base} />
        <form noValidate onSubmit={submit}>
          <Textarea
            name={path}
            label={`What ${ctx.authorityName} wants to say about ${section.label.toLowerCase()}`}
            labelClass="govuk-label--s"
            hint={`${section.hint} Up to 10,000 characters. Leave it empty if you have nothing to add.`}
            rows={10}
            error={messageFor(form.errors, path)}
            value={text}
            onChange={setText}
          />
          {!theirs && (
            <Button type="submit" pending={save.isPending}>
              Save and return to the statement
            </Button>
          )}
        </form>
      </div>
    </div>
  );
}
