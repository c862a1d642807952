package ai.dsp.platform.app.eval;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on the terminal (standard error), one per task. */
final class TerminalProgress implements Progress {

    private ProgressBar bar;

    @Override
    public void start(String task, long total) {
        finish();
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).continuousUpdate().build();
    }

    @Override
    public void update(long done) {
        if (bar != null) {
            bar.stepTo(done);
        }
    }

    @Override
    public void finish() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
