package cola4j.gl.cola;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which user owns each row (first axis, B) of a server batch. A mixed multi-user batch routes each row's
 * auxiliary output to its owner's auxiliary model and each row's adaptation data back to its owner.
 *
 * @param owner owner[b] = the user id of row b
 */
public record RowRouting(int[] owner) {
    public RowRouting {
        owner = owner.clone();
        if (owner.length == 0) throw new IllegalArgumentException("row routing: empty batch");
    }

    /** Every one of {@code rows} rows belongs to {@code user}. */
    public static RowRouting single(int user, int rows) {
        int[] o = new int[rows];
        Arrays.fill(o, user);
        return new RowRouting(o);
    }

    public int rows() {
        return owner.length;
    }

    /** User id → the indices of its rows, in ascending order; users in order of first appearance. */
    public Map<Integer, int[]> rowsByUser() {
        Map<Integer, List<Integer>> m = new LinkedHashMap<>();
        for (int b = 0; b < owner.length; b++) m.computeIfAbsent(owner[b], k -> new ArrayList<>()).add(b);
        Map<Integer, int[]> out = new LinkedHashMap<>();
        m.forEach((u, l) -> out.put(u, l.stream().mapToInt(Integer::intValue).toArray()));
        return out;
    }

    /** True when all rows belong to one user. */
    public boolean isSingleUser() {
        return Arrays.stream(owner).distinct().count() == 1;
    }
}
