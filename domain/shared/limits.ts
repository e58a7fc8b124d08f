import { DomainError } from './errors';

/** The request is larger than the product accepts (413), with the limit in the message. */
export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload_too_large';
  constructor(message: string) {
    super(message);
  }
}
