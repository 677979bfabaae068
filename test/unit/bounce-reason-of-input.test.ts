/** `reasonFor`: the reason a recorded bounce gets when its writer gives one, and when it does not. */
import { describe, expect, it } from 'vitest';
import { reasonFor } from '../../src/bounces/record.js';

const base = { status: '', diagnosticCode: '', action: 'failed' };

describe('reasonFor', () => {
  it('keeps a given reason', () => {
    expect(reasonFor({ ...base, class: 'hard', reason: 'has-moved' })).toBe('has-moved');
  });
  it('takes the reason a class says by itself', () => {
    expect(reasonFor({ ...base, class: 'complaint' })).toBe('feedback');
    expect(reasonFor({ ...base, class: 'auto-reply' })).toBe('vacation');
    expect(reasonFor({ ...base, class: 'delivered', action: 'delivered', status: '2.0.0' })).toBe(
      'delivered',
    );
  });
  it('asks the classification rules otherwise', () => {
    expect(
      reasonFor({
        class: 'hard',
        status: '5.1.1',
        diagnosticCode: '550 5.1.1 <a@example.net>: Recipient address rejected: User unknown',
        action: 'failed',
      }),
    ).toBe('user-unknown');
    expect(
      reasonFor({
        class: 'soft',
        status: '4.2.2',
        diagnosticCode: '452 4.2.2 Mailbox full',
        action: 'failed',
      }),
    ).toBe('mailbox-full');
  });
});
