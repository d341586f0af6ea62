package dev.tether;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's configuration table and the settings' declarations ({@link Setting}) say the same thing. */
class ReadmeConfigurationTableTest {

    private static final Pattern ROW = Pattern.compile("^\\| `([a-z.-]+)` \\| (\\w+) \\| (.+?) \\| (.+) \\|$");

    @Test
    void everyDeclaredSettingHasExactlyOneRowWithItsTypeDefaultAndAMeaning() throws IOException {
        List<String> rows = new ArrayList<>();
        boolean inSection = false;
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            if (line.startsWith("## ")) {
                inSection = line.equals("## Configuration");
            } else if (inSection) {
                Matcher row = ROW.matcher(line);
                if (row.matches()) {
                    rows.add(row.group(1));
                    assertTrue(row.group(4).length() > 10, "meaning of " + row.group(1));
                    Setting<?> setting = Setting.forKey(row.group(1)).orElseThrow();
                    assertEquals(setting.kind(), row.group(2), "type of " + row.group(1));
                    assertEquals(setting.defaultText(), row.group(3), "default of " + row.group(1));
                }
            }
        }
        List<String> keys = new ArrayList<>(ConfigKeys.CONNECTION_KEYS);
        keys.addAll(ConfigKeys.GLOBAL_KEYS);
        assertEquals(keys, rows, "README rows, in order");
    }

    @Test
    void theKeyListHoldsEveryConstant() throws IllegalAccessException {
        Set<String> constants = new TreeSet<>();
        for (Field field : ConfigKeys.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    && !field.getName().equals("PREFIX")) {
                constants.add((String) field.get(null));
            }
        }
        Set<String> listed = new TreeSet<>(ConfigKeys.CONNECTION_KEYS);
        listed.addAll(ConfigKeys.GLOBAL_KEYS);
        assertEquals(constants, listed);
    }
}
