#include "http/connection_cap.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "http/connection.h"
#include "http/server_context.h"

namespace dc::http {
namespace {

TEST(ConnectionCap, KeepsRoomForTheRestOfTheProcessBelowTheOpenFileLimit) {
  // The machine: ulimit -n 1024, --max-connections 10,000.
  const ConnectionCap cap = CapConnections(1024, 20, 128, 10'000);
  EXPECT_EQ(cap.reserved, 20 + kLaterDescriptors + 128);
  EXPECT_EQ(cap.connections, 1024 - cap.reserved);
  EXPECT_TRUE(CheckRoomForConnections(cap, 10'000).ok());
}

TEST(ConnectionCap, MaxConnectionsStandsWhenTheLimitLeavesRoomOrThereIsNone) {
  EXPECT_EQ(CapConnections(65'536, 20, 128, 10'000).connections, 10'000u);
  EXPECT_EQ(CapConnections(0, 20, 128, 10'000).connections, 10'000u);  // unlimited
}

TEST(ConnectionCap, ALimitThatLeavesAlmostNoRoomIsAnErrorSayingWhatToRaise) {
  const ConnectionCap cap = CapConnections(200, 20, 128, 10'000);
  EXPECT_EQ(cap.connections, 0u);
  const Status room = CheckRoomForConnections(cap, 10'000);
  EXPECT_TRUE(room.IsInvalidArgument());
  EXPECT_NE(room.detail().find("raise it to at least " +
                               std::to_string(cap.reserved + kMinimumConnections)),
            std::string::npos)
      << room.detail();
  // A small --max-connections needs only itself.
  EXPECT_TRUE(CheckRoomForConnections(CapConnections(216, 20, 128, 4), 4).ok());
}

TEST(DescriptorReserve, HoldsTwoDescriptorsUntilReleased) {
  const size_t before = OpenDescriptors();
  {
    DescriptorReserve reserve;
    reserve.Hold();
    reserve.Hold();  // holds what it holds already: no more
    EXPECT_EQ(OpenDescriptors(), before + 2);
    reserve.Release();
    EXPECT_EQ(OpenDescriptors(), before);
    reserve.Hold();
  }
  EXPECT_EQ(OpenDescriptors(), before);  // released on destruction
}

class FakeConnection final : public Connection {
 public:
  void Drain() override {}
  void Reclaim() override { ++reclaimed; }
  int reclaimed = 0;
};

ServerOptions FourPlaces() {
  ServerOptions options;
  options.max_connections = 4;
  return options;
}

class ServerContextTest : public ::testing::Test {
 protected:
  ServerContextTest() : context_(Router(), FourPlaces(), {}) {}

  // A new session admitted (idle from the start).
  void AdmitOne() {
    sessions_.push_back(std::make_shared<FakeConnection>());
    slots_.push_back(std::make_unique<ServerContext::Slot>());
    std::shared_ptr<Connection> reclaimed;
    ASSERT_TRUE(context_.Admit(sessions_.back(), *slots_.back(), &reclaimed));
  }

  ServerContext context_;
  std::vector<std::shared_ptr<FakeConnection>> sessions_;
  std::vector<std::unique_ptr<ServerContext::Slot>> slots_;
};

TEST_F(ServerContextTest, OutOfDescriptorsTheLongestIdleGivesUpItsPlaceWithoutANewcomer) {
  for (int i = 0; i < 3; ++i) AdmitOne();
  EXPECT_EQ(context_.ReclaimOldestIdle(), sessions_[0]);
  EXPECT_EQ(context_.OpenConnections(), 2u);
  // Busy sessions are never taken.
  ASSERT_TRUE(context_.LeaveIdle(*slots_[1]));
  ASSERT_TRUE(context_.LeaveIdle(*slots_[2]));
  EXPECT_EQ(context_.ReclaimOldestIdle(), nullptr);
  EXPECT_EQ(context_.OpenConnections(), 2u);
  for (auto& slot : slots_) context_.Unregister(*slot);
  EXPECT_EQ(context_.OpenConnections(), 0u);
}

TEST_F(ServerContextTest, ALowerLimitTakesThePlacesOfIdleSessionsUntilTheRestFit) {
  for (int i = 0; i < 4; ++i) AdmitOne();
  ASSERT_TRUE(context_.LeaveIdle(*slots_[0]));  // busy: keeps its place
  const std::vector<std::shared_ptr<Connection>> reclaimed = context_.SetConnectionLimit(2);
  ASSERT_EQ(reclaimed.size(), 2u);
  EXPECT_EQ(reclaimed[0], sessions_[1]);
  EXPECT_EQ(reclaimed[1], sessions_[2]);
  EXPECT_EQ(context_.OpenConnections(), 2u);
  EXPECT_EQ(context_.ConnectionLimit(), 2u);
  // At the new limit a newcomer takes the place of the idle one left.
  sessions_.push_back(std::make_shared<FakeConnection>());
  slots_.push_back(std::make_unique<ServerContext::Slot>());
  std::shared_ptr<Connection> taken;
  ASSERT_TRUE(context_.Admit(sessions_.back(), *slots_.back(), &taken));
  EXPECT_EQ(taken, sessions_[3]);
  EXPECT_EQ(context_.OpenConnections(), 2u);
  for (auto& slot : slots_) context_.Unregister(*slot);
}

}  // namespace
}  // namespace dc::http
