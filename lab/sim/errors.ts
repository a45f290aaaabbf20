/** A simulated command ending with a message on stderr and an exit code, like the real tool. */
export class SimExit extends Error {
  constructor(
    message: string,
    readonly code: number,
    /** Printed on stdout before the message (output the tool had produced before failing). */
    readonly stdout = '',
  ) {
    super(message);
    this.name = 'SimExit';
  }
}

/** kubeadm's way of failing a workflow phase. */
export function phaseError(phase: string, message: string): SimExit {
  return new SimExit(`error execution phase ${phase}: ${message}\nTo see the stack trace of this error execute with --v=5 or higher`, 1);
}
