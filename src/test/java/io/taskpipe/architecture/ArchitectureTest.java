package io.taskpipe.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package graph, as rules the build enforces: no cycles; {@code contract} a leaf every package may
 * use; {@code config} knowing only the contract; task types knowing nothing of lanes; the service
 * never importing the load and check tools (which may import it).
 */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.taskpipe");

    /** Top-level packages under {@code root} depend on each other without a cycle. */
    static ArchRule noCycles(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles();
    }

    @Test
    void packagesFormNoCycle() {
        noCycles("io.taskpipe").check(MAIN);
    }

    @Test
    void theRuleRejectsACycle() {
        JavaClasses fixture = new ClassFileImporter().importPackages("io.taskpipe.architecture.cycle");
        assertThat(noCycles("io.taskpipe.architecture.cycle").evaluate(fixture).hasViolation()).isTrue();
    }

    @Test
    void theContractIsALeaf() {
        noClasses().that().resideInAPackage("io.taskpipe.contract..")
                .should().dependOnClassesThat(resideInAPackage("io.taskpipe..").and(resideOutsideOfPackage("io.taskpipe.contract..")))
                .check(MAIN);
    }

    @Test
    void configurationKnowsOnlyTheContract() {
        noClasses().that().resideInAPackage("io.taskpipe.config..")
                .should().dependOnClassesThat(resideInAPackage("io.taskpipe..")
                        .and(resideOutsideOfPackages("io.taskpipe.config..", "io.taskpipe.contract..")))
                .check(MAIN);
    }

    @Test
    void taskTypesKnowNothingOfLanes() {
        noClasses().that().resideInAPackage("io.taskpipe.tasks..")
                .should().dependOnClassesThat().resideInAnyPackage("io.taskpipe.lanes..", "io.taskpipe.results..",
                        "io.taskpipe.intake..", "io.taskpipe.kafka..", "io.taskpipe.api..")
                .check(MAIN);
    }

    @Test
    void theServiceDoesNotImportTheTools() {
        noClasses().that().resideOutsideOfPackages("io.taskpipe.load..", "io.taskpipe.check..", "io.taskpipe.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("io.taskpipe.load..", "io.taskpipe.check..", "io.taskpipe.cli..")
                .check(MAIN);
    }
}
