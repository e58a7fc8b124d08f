import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { dynamo } from '../data/client';
import { identityRepository } from '../data/repositories';
import { logger } from '../shared/logger';
import { signInOverrides } from './sign-in';

/**
 * Cognito's pre-token-generation trigger (event version 2): runs at every sign-in and every
 * refresh-token grant, so a person's partnership, authority and role in the token are always
 * those of a membership they hold now (a removed membership stops resolving at the next
 * refresh). A person with no membership at all is refused: throwing fails the sign-in, and
 * Cognito tells the browser only that the sign-in failed.
 */
export async function handler(event: PreTokenGenerationV2TriggerEvent): Promise<PreTokenGenerationV2TriggerEvent> {
  const sub = event.request.userAttributes.sub;
  const overrides = sub ? await signInOverrides(identityRepository(dynamo()), sub) : undefined;
  if (!overrides) {
    // The sub only (no email): enough to find the person, nothing personal in the logs.
    logger.warn('Sign-in refused: no partnership membership', { sub, trigger: event.triggerSource });
    throw new Error('This account does not belong to any partnership.');
  }
  event.response = { claimsAndScopeOverrideDetails: overrides };
  return event;
}
