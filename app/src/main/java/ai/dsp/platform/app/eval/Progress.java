package ai.dsp.platform.app.eval;

/** Where a long evaluation or benchmark reports how far it is: a terminal bar, a job status, nothing. */
public interface Progress {

    Progress NONE = new Progress() {
        @Override
        public void start(String task, long total) {
        }

        @Override
        public void update(long done) {
        }

        @Override
        public void finish() {
        }
    };

    void start(String task, long total);

    void update(long done);

    void finish();
}
