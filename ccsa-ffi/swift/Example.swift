// The Swift twin of the Kotlin README example (ccsa-ffi/kotlin/src/test/
// kotlin/cn/ccsa/ffi/ReadmeExampleTest.kt). Not compiled here: this machine
// has no Swift toolchain; the generated CcsaFfi.swift it uses is checked by
// ccsa-ffi/scripts/test-kotlin.
import CcsaFfi

func trainOnce(dbPath: String, key: Data, appUser: String) async throws {
    let engine = try await openEngine(
        url: "sqlite://\(dbPath)",
        options: EngineOptions(fixedTime: nil, seed: 2020, invitationKey: key, invitationLink: nil))
    do {
        _ = try await engine.bind(appUser: appUser, name: "张伟", phone: "13800138000")
    } catch CcsaError.Binding(let code, let detail) {
        print(code, detail)  // NO_MATCHING_MEMBER 未找到与所填姓名和手机号一致的人员信息：请确认……
        return
    }
    let quiz = try await engine.todaysQuiz(appUser: appUser)
    let answers = quiz.questions.map { AnswerRecord(question: $0.id, letters: "A") }
    let outcome = try await engine.submit(appUser: appUser, answers: answers)
    let points = try await engine.myPoints(appUser: appUser)
    print("\(outcome.result.correct)/\(outcome.result.total)，累计 \(points) 分")
    for line in try await engine.leaderboard(scope: .all, period: .campaign, offset: 0, limit: 10) {
        print(line.rank, line.name, line.points)  // names arrive masked: 张*
    }
}
