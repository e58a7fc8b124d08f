import { describe, expect, it } from 'vitest';
import { UsernameExistsException } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoUserDirectory, LocalUserDirectory } from '../../functions/identity/directory';

/** Cognito cannot run here; a recording client stands in for it behind the SDK's send(). */
function recordingClient(reply: (name: string) => unknown) {
  const calls: { name: string; input: any }[] = [];
  return {
    calls,
    client: {
      send: async (command: { constructor: { name: string }; input: unknown }) => {
        calls.push({ name: command.constructor.name, input: command.input });
        const out = reply(command.constructor.name);
        if (out instanceof Error) throw out;
        return out;
      },
    },
  };
}

describe('CognitoUserDirectory', () => {
  it('creates a new person with their email only: no partnership, authority or group on the identity', async () => {
    const { calls, client } = recordingClient((name) =>
      name === 'AdminCreateUserCommand' ? { User: { Attributes: [{ Name: 'sub', Value: 'sub-123' }] } } : {},
    );
    const dir = new CognitoUserDirectory('pool-1', client as never);
    expect(await dir.ensureUser({ email: 'a@b.org' })).toEqual({ userId: 'sub-123', created: true });
    expect(calls.map((c) => c.name)).toEqual(['AdminCreateUserCommand']);
    expect(calls[0].input.Username).toBe('a@b.org');
    expect(calls[0].input.UserAttributes.map((a: { Name: string }) => a.Name).sort()).toEqual(['email', 'email_verified']);
  });

  it('finds an existing person by email instead of failing, and says it made nothing', async () => {
    const { calls, client } = recordingClient((name) =>
      name === 'AdminCreateUserCommand'
        ? new UsernameExistsException({ message: 'exists', $metadata: {} })
        : { UserAttributes: [{ Name: 'sub', Value: 'sub-existing' }] },
    );
    const dir = new CognitoUserDirectory('pool-1', client as never);
    expect(await dir.ensureUser({ email: 'a@b.org' })).toEqual({ userId: 'sub-existing', created: false });
    expect(calls.map((c) => c.name)).toEqual(['AdminCreateUserCommand', 'AdminGetUserCommand']);
    expect(calls[1].input).toEqual({ UserPoolId: 'pool-1', Username: 'a@b.org' });
  });

  it('passes on any other Cognito error', async () => {
    const { client } = recordingClient(() => Object.assign(new Error('throttled'), { name: 'TooManyRequestsException' }));
    const dir = new CognitoUserDirectory('pool-1', client as never);
    await expect(dir.ensureUser({ email: 'a@b.org' })).rejects.toThrow('throttled');
  });
});

describe('LocalUserDirectory', () => {
  it('maps one email to one subject, whatever its case, and makes it once', async () => {
    const dir = new LocalUserDirectory();
    const first = await dir.ensureUser({ email: 'Pat@Example.org' });
    const again = await dir.ensureUser({ email: 'pat@example.org' });
    expect(first.created).toBe(true);
    expect(again).toEqual({ userId: first.userId, created: false });
    expect((await dir.ensureUser({ email: 'other@example.org' })).userId).not.toBe(first.userId);
  });
});
