package ai.dsp.platform.store;

import ai.dsp.platform.document.DocumentRejectedException;

/**
 * The store refused a document's chunks for a reason that retrying cannot fix (a mapping
 * conflict, an oversized field): that document fails, every other one goes on.
 */
public class ChunksRejectedException extends DocumentRejectedException {

    public ChunksRejectedException(String reason) {
        super(reason);
    }
}
