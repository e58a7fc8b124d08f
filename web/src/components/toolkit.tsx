import type { ResponseOf } from '../api/types';
import { Tag, type TagColour } from './ui';

/**
 * Words for the toolkit's benchmarks and the action plan's RAG statuses, shared by the action
 * plan, assessment and annual report pages: presentation only, the API decides.
 */
export type Rag = ResponseOf<'/action-plans/{planId}', 'get'>['actions'][number]['rag'];

/** The 2018 Home Office toolkit's ten benchmarks by their short names, as the Home Office's letters to areas list them. */
export const BENCHMARKS: readonly { number: number; name: string }[] = [
  'Risk assessment',
  'Multi-agency partnership board',
  'Prevent partnership plan',
  'Referral pathway',
  'Channel panel',
  'Prevent problem-solving process',
  'Training',
  'Venue hire and IT policies',
  'Engagement activity',
  'Communications',
].map((name, i) => ({ number: i + 1, name }));
/** "Channel panel" for 5. */
export const benchmarkShortName = (n: number) => BENCHMARKS[n - 1]?.name ?? `Benchmark ${n}`;

export const RAG_LABELS: Record<Rag, { label: string; hint: string; colour: TagColour }> = {
  red: { label: 'Red', hint: 'Off track: it will not be done as planned without help', colour: 'red' },
  amber: { label: 'Amber', hint: 'At risk: some delay or problem, in hand', colour: 'orange' },
  green: { label: 'Green', hint: 'On track', colour: 'green' },
  complete: { label: 'Complete', hint: 'Done', colour: 'blue' },
};
export const RAGS = Object.keys(RAG_LABELS) as Rag[];

/** The RAG status as a tag: the word always says it, the colour only adds. */
export function RagTag({ rag }: { rag: Rag }) {
  const r = RAG_LABELS[rag];
  return <Tag colour={r?.colour}>{r?.label ?? rag}</Tag>;
}
