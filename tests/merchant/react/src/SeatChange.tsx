import { useCallback } from 'react';
import 'seatquote/widget';
import type {} from 'seatquote/react';
import type { SeatQuoteCommittedDetail, SeatQuoteElement, SeatQuoteErrorDetail } from 'seatquote/widget';
import { getToken } from './auth';

const messages = { confirm: 'Confirm seats' };

export function SeatChange(props: {
  subscription: string;
  onCommitted: (detail: SeatQuoteCommittedDetail) => void;
  onError: (detail: SeatQuoteErrorDetail) => void;
}) {
  const { onCommitted, onError } = props;
  // Listeners go on in the ref callback, in the same commit that inserts the element, so
  // they see the widget's first event; the returned function removes them (React 19).
  const ref = useCallback((el: SeatQuoteElement | null) => {
    if (!el) return;
    const committed = (e: CustomEvent<SeatQuoteCommittedDetail>) => onCommitted(e.detail);
    const failed = (e: CustomEvent<SeatQuoteErrorDetail>) => onError(e.detail);
    el.addEventListener('seatquote:committed', committed);
    el.addEventListener('seatquote:error', failed);
    return () => {
      el.removeEventListener('seatquote:committed', committed);
      el.removeEventListener('seatquote:error', failed);
    };
  }, [onCommitted, onError]);
  return <seat-quote ref={ref} subscription={props.subscription} getToken={getToken} messages={messages} />;
}
