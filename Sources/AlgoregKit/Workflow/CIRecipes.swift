/// The CI recipes `algoreg init` writes. They run the same commands as the tests:
/// `algoreg validate --format github|gitlab` on requests, `algoreg build` on main.
public enum CIRecipes {
    /// Shell lines that build Algoreg from `$ALGOREG_GIT` at `$ALGOREG_REF` into /usr/local/bin,
    /// inside the official Swift image (Debian/Ubuntu based).
    static let install = [
        "apt-get update -qq && apt-get install -y -qq --no-install-recommends git libcmark-gfm-dev libcmark-gfm-extensions-dev libyaml-dev >/dev/null",
        "test -n \"$ALGOREG_GIT\" || { echo 'Set the CI variable ALGOREG_GIT to the git URL of Algoreg.'; exit 2; }",
        "git clone --quiet --depth 1 --branch \"${ALGOREG_REF:-main}\" \"$ALGOREG_GIT\" /tmp/algoreg",
        "swift build -c release --package-path /tmp/algoreg --product algoreg",
        "install /tmp/algoreg/.build/release/algoreg /usr/local/bin/algoreg",
    ]

    public static let github: String = {
        let steps = install.map { "          \($0)" }.joined(separator: "\n")
        return #"""
        # Algorithm register: validate pull requests (annotations on the changed lines), and build
        # and publish Site/ to GitHub Pages from main. Written by `algoreg init`.
        # Set the repository variable ALGOREG_GIT (Settings > Secrets and variables > Actions >
        # Variables) to Algoreg's git URL, and enable Pages with source "GitHub Actions".
        name: Algorithm register

        on:
          pull_request:
          push:
            branches: [main]
          workflow_dispatch:

        permissions:
          contents: read

        concurrency:
          group: algoreg-${{ github.ref }}
          cancel-in-progress: true

        env:
          ALGOREG_GIT: ${{ vars.ALGOREG_GIT }}
          ALGOREG_REF: ${{ vars.ALGOREG_REF || 'main' }}

        jobs:
          validate:
            if: github.event_name == 'pull_request'
            runs-on: ubuntu-latest
            container: swift:6.3
            steps:
              - uses: actions/checkout@v4
              - name: Install Algoreg
                run: |
        \#(steps)
              - name: Validate the register
                run: algoreg validate --format github

          build:
            if: github.event_name != 'pull_request'
            runs-on: ubuntu-latest
            container: swift:6.3
            steps:
              - uses: actions/checkout@v4
                with:
                  fetch-depth: 0        # the pages show each entry's history from git
              - name: Install Algoreg
                run: |
        \#(steps)
              - name: Build the portal
                run: |
                  git config --global --add safe.directory "$GITHUB_WORKSPACE"
                  algoreg build --format github --output Site
              - uses: actions/upload-pages-artifact@v3
                with:
                  path: Site

          deploy:
            if: github.event_name != 'pull_request' && github.ref == 'refs/heads/main'
            needs: build
            runs-on: ubuntu-latest
            permissions:
              pages: write
              id-token: write
            environment:
              name: github-pages
              url: ${{ steps.deployment.outputs.page_url }}
            steps:
              - id: deployment
                uses: actions/deploy-pages@v4

        """#
    }()

    public static let gitlab: String = {
        let steps = install.map { "    - \($0)" }.joined(separator: "\n")
        return #"""
        # Algorithm register: validate merge requests (a Code Quality report: problems show on the
        # changed lines), and build and publish the portal to GitLab Pages from the default branch.
        # Written by `algoreg init`. Set the CI/CD variable ALGOREG_GIT to Algoreg's git URL.
        stages: [validate, deploy]

        default:
          image: swift:6.3
          before_script:
        \#(steps)

        variables:
          ALGOREG_REF: main
          GIT_DEPTH: 0              # the pages show each entry's history from git

        validate:
          stage: validate
          rules:
            - if: $CI_PIPELINE_SOURCE == "merge_request_event"
          script:
            - algoreg validate --format gitlab > gl-code-quality-report.json
          artifacts:
            when: always
            reports:
              codequality: gl-code-quality-report.json

        pages:
          stage: deploy
          rules:
            - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
          script:
            - algoreg build --output public
          artifacts:
            paths: [public]

        """#
    }()
}
