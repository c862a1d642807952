// Does one ONNX Runtime call over a padded batch of texts embed faster than one call per text?
// The experiment behind docs/BENCHMARKS.md, "Ingestion and query latency" (issue 16): it embeds
// 512 CACM-query-sized texts with all-MiniLM-L6-v2 (quantized) from its LangChain4j jar, in
// batches of <batch> texts padded to the batch's longest, on <parallel> threads with <intra>
// ONNX Runtime threads each, and prints texts/s for three rounds (the last is the figure).
//   mvn -o -q dependency:build-classpath -pl processors -Dmdep.outputFile=/tmp/cp.txt
//   javac -cp $(cat /tmp/cp.txt) -d /tmp/bi docs/bench/batched-inference/BatchedInference.java
//   java -cp /tmp/bi:$(cat /tmp/cp.txt) BatchedInference <batch> <intra> <parallel>
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.*;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.InputStream;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;

public class BatchedInference {
    public static void main(String[] args) throws Exception {
        int batch = Integer.parseInt(args[0]);
        int intra = Integer.parseInt(args[1]);
        int parallel = Integer.parseInt(args[2]);
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("datasets/cacm/queries.jsonl"))) {
            String t = line.replaceAll(".*\"text\":\\s*\"", "").replaceAll("\".*", "");
            texts.add(t + " " + t + " " + t); // ~ 60-100 tokens, chunk-like
        }
        while (texts.size() < 512) texts.addAll(new ArrayList<>(texts));
        texts = texts.subList(0, 512);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(intra);
        o.addConfigEntry("session.intra_op.allow_spinning", "0");
        byte[] model;
        try (InputStream in = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream("/all-minilm-l6-v2-q.onnx")) { model = in.readAllBytes(); }
        OrtSession session = env.createSession(model, o);
        HuggingFaceTokenizer tok;
        try (InputStream in = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream("/all-minilm-l6-v2-q-tokenizer.json")) {
            tok = HuggingFaceTokenizer.newInstance(in, Map.of("padding", "false", "truncation", "true", "maxLength", "512"));
        }
                ExecutorService pool = Executors.newFixedThreadPool(parallel);
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int from = 0; from < texts.size(); from += batch) {
                List<String> part = texts.subList(from, Math.min(texts.size(), from + batch));
                fs.add(pool.submit(() -> { run(env, session, tok, part); return null; }));
            }
            for (Future<?> f : fs) f.get();
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("batch %d intra %d parallel %d: %.1f texts/s%n", batch, intra, parallel, texts.size() / s);
        }
        pool.shutdown();
    }

    static float[][] run(OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tok, List<String> texts) throws Exception {
        Encoding[] enc = tok.batchEncode(texts);
        int n = enc.length, len = 0;
        for (Encoding e : enc) len = Math.max(len, e.getIds().length);
        long[][] ids = new long[n][len], mask = new long[n][len], types = new long[n][len];
        for (int i = 0; i < n; i++) {
            long[] id = enc[i].getIds();
            for (int j = 0; j < id.length; j++) { ids[i][j] = id[j]; mask[i][j] = 1; }
        }
        try (OnnxTensor a = OnnxTensor.createTensor(env, ids); OnnxTensor b = OnnxTensor.createTensor(env, mask); OnnxTensor c = OnnxTensor.createTensor(env, types);
             OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
            float[][][] h = (float[][][]) r.get(0).getValue();
            float[][] out = new float[n][];
            for (int i = 0; i < n; i++) {
                float[] v = new float[h[i][0].length]; int cnt = 0;
                for (int j = 0; j < len; j++) if (mask[i][j] == 1) { cnt++; for (int d = 0; d < v.length; d++) v[d] += h[i][j][d]; }
                for (int d = 0; d < v.length; d++) v[d] /= cnt;
                out[i] = v;
            }
            return out;
        }
    }
}
