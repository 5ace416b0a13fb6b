package cola4j.tests.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.gl.archviolation.CycleA;
import cola4j.gl.archviolation.LibraryReachingUp;
import cola4j.gl.archviolation.cycle.CycleB;
import cola4j.gl.app.archviolation.SomeProgram;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout's rules, checked on the compiled main classes of every module (README "Modules"):
 * <ol type="a">
 *   <li>dependencies point one way, tensor ← autograd ← models ← gl library ← gl programs: no lower module and
 *       no library package ({@code cola4j.gl..} outside {@code cola4j.gl.app..}) depends on a program package; the
 *       library does not use the SameDiff oracle (test support);</li>
 *   <li>no package cycle among the {@code cola4j.gl} packages (library and programs);</li>
 *   <li>the library uses none of the programs' own dependencies: commons-cli, progressbar, XChart, DJL (tokenizers).
 *   </li>
 * </ol>
 * Maven already enforces the module direction (gl/lib cannot see gl/app); these rules also hold inside modules.
 * Each rule has a negative control: fixture classes in this module's test sources ({@code cola4j.gl.archviolation},
 * which the real checks do not import) that break it, and the rule must fail on them.
 */
class ArchitectureTest {
    private static final String PROGRAMS = "cola4j.gl.app..";
    private static final DescribedPredicate<JavaClass> LIBRARY =
            resideInAPackage("cola4j.gl..").and(not(resideInAPackage(PROGRAMS))).as("the gl library");
    private static final DescribedPredicate<JavaClass> LOWER =
            resideInAnyPackage("cola4j.tensor..", "cola4j.autograd..", "cola4j.models..", "cola4j.oracle..")
                    .as("tensor, autograd, models, oracle");

    private static JavaClasses production;

    @BeforeAll
    static void importProduction() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("cola4j");
    }

    /** (a) no lower module depends on gl at all (library or programs). */
    static ArchRule lowerModulesDoNotSeeGl() {
        return noClasses().that(LOWER).should().dependOnClassesThat().resideInAPackage("cola4j.gl..");
    }

    /** (a) the library does not reach up into the programs, nor into the oracle. */
    static ArchRule libraryDoesNotSeePrograms() {
        return noClasses().that(LIBRARY).should().dependOnClassesThat()
                .resideInAnyPackage(PROGRAMS, "cola4j.oracle..");
    }

    /** (a) the lower floors point one way: tensor sees nothing of autograd or models, autograd nothing of models. */
    static ArchRule lowerFloorsPointOneWay() {
        return noClasses().that().resideInAPackage("cola4j.tensor..").should().dependOnClassesThat()
                .resideInAnyPackage("cola4j.autograd..", "cola4j.models..")
                .orShould().dependOnClassesThat().resideInAnyPackage("cola4j.oracle..")
                .because("tensor is the bottom floor");
    }

    /** (a) autograd does not see models. */
    static ArchRule autogradDoesNotSeeModels() {
        return noClasses().that().resideInAPackage("cola4j.autograd..").should().dependOnClassesThat()
                .resideInAnyPackage("cola4j.models..", "cola4j.oracle..");
    }

    /** (b) every package under cola4j.gl is its own slice; the slices form no cycle. */
    static ArchRule noCycleInGl() {
        SliceAssignment byPackage = new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                String p = c.getPackageName();
                return p.equals("cola4j.gl") || p.startsWith("cola4j.gl.") ? SliceIdentifier.of(p)
                        : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "each package under cola4j.gl";
            }
        };
        return slices().assignedFrom(byPackage).should().beFreeOfCycles();
    }

    /** (c) the library runs without the programs' dependencies. */
    static ArchRule libraryUsesNoAppDependencies() {
        return noClasses().that(LIBRARY).should().dependOnClassesThat()
                .resideInAnyPackage("org.apache.commons.cli..", "me.tongfei.progressbar..", "org.knowm.xchart..",
                        "ai.djl..");
    }

    @Test
    void lowerModulesAndLibraryDoNotDependOnPrograms() {
        lowerModulesDoNotSeeGl().check(production);
        libraryDoesNotSeePrograms().check(production);
        lowerFloorsPointOneWay().check(production);
        autogradDoesNotSeeModels().check(production);
    }

    @Test
    void glHasNoPackageCycle() {
        noCycleInGl().check(production);
    }

    @Test
    void libraryUsesNeitherCommonsCliNorProgressbarNorXChart() {
        libraryUsesNoAppDependencies().check(production);
    }

    @Test
    void theImportSawEveryModule() {
        for (String p : new String[] {"cola4j.tensor", "cola4j.autograd", "cola4j.models", "cola4j.gl",
                "cola4j.gl.cola", "cola4j.gl.app.cli", "cola4j.oracle"}) {
            if (!production.containPackage(p)) throw new AssertionError("ArchUnit imported no class of " + p);
        }
        if (production.contain(LibraryReachingUp.class)) throw new AssertionError("test fixtures were imported");
    }

    @Test
    void negativeControlsFail() {
        JavaClasses bad = new ClassFileImporter().importClasses(LibraryReachingUp.class, SomeProgram.class,
                CycleA.class, CycleB.class);
        assertThatThrownBy(() -> libraryDoesNotSeePrograms().check(bad)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("LibraryReachingUp").hasMessageContaining("SomeProgram");
        assertThatThrownBy(() -> libraryUsesNoAppDependencies().check(bad)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("org.apache.commons.cli.Options");
        assertThatThrownBy(() -> noCycleInGl().check(bad)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("cola4j.gl.archviolation.cycle");
    }
}
